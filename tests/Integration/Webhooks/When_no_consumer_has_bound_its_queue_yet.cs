using System.Net;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Integration.Webhooks;

/// <summary>
/// On a fresh broker nothing is bound to the WebhookReceived exchange until a consumers host starts. A confirm
/// alone would say "stored" for a message RabbitMQ dropped, so the gateway publishes mandatory and answers 503.
/// </summary>
public sealed class When_no_consumer_has_bound_its_queue_yet : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private GatewayFactory _gateway = null!;
    private WebApplication? _consumers;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _gateway = new GatewayFactory()
            .With("RABBITMQ_URL", _infrastructure.RabbitMqUrl)
            .With("REDIS_URL", _infrastructure.RedisUrl)
            .With("WEBHOOK_PUBLISH_TIMEOUT_SECONDS", "2");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (_consumers is not null)
        {
            await _consumers.StopAsync();
            await _consumers.DisposeAsync();
        }

        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_refuse_deliveries_until_the_router_queue_exists()
    {
        var client = _gateway.CreateRecordingClient();
        await RunningHosts.WaitHealthyAsync(_gateway.Services);
        var key = Guid.NewGuid().ToString();

        var unrouted = await client.SendAsync(GitLabDelivery.Fixture("issue.json", "Issue Hook", key));
        _consumers = await _infrastructure.StartConsumersHostAsync();
        var retried = await client.SendAsync(GitLabDelivery.Fixture("issue.json", "Issue Hook", key));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unrouted.StatusCode);
        Assert.Equal("bus_unavailable", await unrouted.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
    }
}
