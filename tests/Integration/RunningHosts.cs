using GitLabBus.Runtime.Health;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Tests.Integration;

/// <summary>
/// The production topology on real infrastructure: a gateway host (gateway role only) and a separate
/// consumers host, both on the class's own vhost and Redis database, plus a probe listening for events.
/// </summary>
public sealed class RunningHosts : IAsyncLifetime
{
    public RealInfrastructure Infrastructure { get; } = new();

    public GatewayFactory Gateway { get; private set; } = null!;

    public WebApplication Consumers { get; private set; } = null!;

    public EventProbe Probe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        Consumers = await Infrastructure.StartConsumersHostAsync();

        Probe = await EventProbe.StartAsync(Infrastructure.VirtualHost);
        Gateway = new GatewayFactory().With("RABBITMQ_URL", Infrastructure.RabbitMqUrl).With("REDIS_URL", Infrastructure.RedisUrl);
        Gateway.CreateRecordingClient();
        await WaitHealthyAsync(Gateway.Services);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Probe.DisposeAsync();
        await Consumers.StopAsync();
        await Consumers.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }

    /// <summary>Waits until the host is ready (its bus connected and endpoints bound, Redis answering); GitLab is not needed for
    /// that.</summary>
    public static async Task WaitHealthyAsync(IServiceProvider services)
    {
        var health = services.GetRequiredService<HealthCheckService>();
        var ready = await GitLabDelivery.EventuallyAsync(
            async () =>
                (await health.CheckHealthAsync(check => check.Tags.Contains(HealthEndpoints.ReadyTag))).Status == HealthStatus.Healthy,
            TimeSpan.FromSeconds(60)
        );
        Assert.True(ready, "the host did not become healthy on the real RabbitMQ and Redis");
    }
}
