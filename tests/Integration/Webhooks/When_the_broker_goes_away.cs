using System.Net;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Integration.Webhooks;

/// <summary>
/// The gateway reaches the real broker through a loopback proxy that the test cuts: to the gateway that is
/// a broker gone away. From then on no delivery may be answered 202, since none can be confirmed.
/// </summary>
public sealed class When_the_broker_goes_away : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private TcpProxy _proxy = null!;
    private WebApplication _consumers = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _consumers = await _infrastructure.StartConsumersHostAsync();

        _proxy = new TcpProxy(TestInfrastructure.RabbitMqEndpoint);
        _gateway = new GatewayFactory()
            .With("RABBITMQ_URL", TestInfrastructure.RabbitMqUrl(_infrastructure.VirtualHost, _proxy.Port))
            .With("REDIS_URL", _infrastructure.RedisUrl)
            .With("WEBHOOK_PUBLISH_TIMEOUT_SECONDS", "1");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _proxy.DisposeAsync();
        await _consumers.StopAsync();
        await _consumers.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_answer_503_and_never_202_once_it_cannot_confirm()
    {
        var client = _gateway.CreateRecordingClient();
        await RunningHosts.WaitHealthyAsync(_gateway.Services);
        var before = await client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"));

        _proxy.Cut();
        var after = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            after.Add((await client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        Assert.All(after, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
    }
}
