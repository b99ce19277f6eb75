using System.Net;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Webhooks;

/// <summary>A gateway whose broker is unreachable (nothing listens on port 1) must never answer 202.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_the_broker_cannot_confirm : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new GatewayFactory()
        .With("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:1/")
        .With("GITLABBUS_ALL_IN_ONE", "true")
        .With("WEBHOOK_PUBLISH_TIMEOUT_SECONDS", "2");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_answer_503_and_let_the_retry_through_instead_of_calling_it_a_duplicate()
    {
        var client = _gateway.CreateRecordingClient();
        var key = Guid.NewGuid().ToString();

        var first = await client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook", key));
        var retry = await client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook", key));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("bus_unavailable", await first.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
        var log = await (await _gateway.ClientWithRoles(Roles.Viewer).GetAsync("/webhooks/deliveries")).JsonAsync();
        Assert.Equal(0, log.GetProperty("deliveries").GetArrayLength());
    }

    [Fact]
    public async Task Should_answer_409_with_retry_after_while_the_same_delivery_is_still_being_published()
    {
        var client = _gateway.CreateRecordingClient();
        var reader = _gateway.ClientWithRoles(Roles.Viewer);
        var key = Guid.NewGuid().ToString();

        var first = client.SendAsync(GitLabDelivery.Fixture("merge_request.json", "Merge Request Hook", key));
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await (await reader.GetAsync("/webhooks/deliveries")).JsonAsync())
                    .GetProperty("deliveries")
                    .EnumerateArray()
                    .Any(d => d.GetProperty("status").GetString() == "pending")
            )
        );
        var concurrent = await client.SendAsync(GitLabDelivery.Fixture("merge_request.json", "Merge Request Hook", key));

        Assert.Equal(HttpStatusCode.Conflict, concurrent.StatusCode);
        Assert.Equal("conflict", await concurrent.ErrorCodeAsync());
        Assert.Equal("1", concurrent.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first).StatusCode);
    }
}
