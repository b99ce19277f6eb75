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
        .With("WEBHOOK_PUBLISH_TIMEOUT_SECONDS", "0.5");

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
}
