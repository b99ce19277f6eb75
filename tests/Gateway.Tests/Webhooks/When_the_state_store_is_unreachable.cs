using System.Net;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Webhooks;

/// <summary>Nothing listens on port 1: the delivery cannot be recorded, so it is refused and GitLab retries; the log cannot be
/// read, and says so.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_the_state_store_is_unreachable : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new GatewayFactory().With("REDIS_URL", "redis://127.0.0.1:1/0");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_answer_503_cache_unavailable_and_publish_nothing()
    {
        var client = _gateway.CreateRecordingClient();

        var response = await client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("cache_unavailable", await response.ErrorCodeAsync());
        Assert.Empty(_gateway.Published);
    }

    [Fact]
    public async Task Should_answer_503_cache_unavailable_to_a_read_of_the_delivery_log()
    {
        using var response = await _gateway.ClientWithRoles(Roles.Viewer).GetAsync("/webhooks/deliveries?limit=10");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("cache_unavailable", await response.ErrorCodeAsync());
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Should_report_redis_unhealthy()
    {
        var response = await _gateway.CreateClient().GetAsync("/health/redis");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", (await response.JsonAsync()).GetProperty("status").GetString());
    }
}
