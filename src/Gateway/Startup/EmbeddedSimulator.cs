using GitLabBus.Runtime.Settings;
using GitLabBus.Simulator;
using GitLabBus.Simulator.Api;
using GitLabBus.Simulator.State;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GitLabBus.Gateway.Startup;

/// <summary>
/// Embedded mode without <c>GITLAB_BASE_URL</c>: the GitLab simulator in this process on <c>SIMULATOR_URL</c>, seeded with
/// the demo, and — once the gateway listens — a hook on <c>demo/shop</c> pointing at its webhook endpoint with the webhook
/// secret, so the simulator's events flow through the bus as GitLab's would.
/// </summary>
public sealed class EmbeddedSimulator(
    GitLabSettings gitlab,
    GatewaySettings gateway,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<EmbeddedSimulator> logger
) : IHostedService
{
    private WebApplication? _simulator;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _simulator = await SimulatorApp.StartAsync(
            new SimulatorOptions { PublicUrl = gitlab.SimulatorUrl.ToString().TrimEnd('/'), Tokens = gitlab.SimulatorTokens },
            cancellationToken
        );
        lifetime.ApplicationStarted.Register(HookUpTheGateway);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_simulator is not null)
        {
            await _simulator.StopAsync(cancellationToken);
            await _simulator.DisposeAsync();
        }
    }

    // A gateway under a test server has no address to deliver to; it gets no hook.
    private void HookUpTheGateway()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || _simulator is null)
        {
            return;
        }

        var loopback = address
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        var url = $"{loopback.TrimEnd('/')}/webhooks/gitlab";
        _simulator
            .Services.GetRequiredService<SimStore>()
            .Write(store =>
            {
                store.DemoHook = (url, gateway.WebhookSecret);
                HookEndpoints.InstallDemoHook(store);
            });
        logger.LogInformation("Simulator project demo/shop delivers its webhooks to {WebhookUrl}", url);
    }
}

public static class EmbeddedSimulatorRegistration
{
    /// <summary>Starts the simulator with the gateway when no GitLab is configured; otherwise does nothing.</summary>
    /// <remarks>Its settings are registered by their owners: <c>AddGitLab</c> and <c>AddWebhookIngress</c>.</remarks>
    public static IServiceCollection AddEmbeddedSimulator(this IServiceCollection services, GitLabSettings gitlab)
    {
        if (gitlab.UsesSimulator)
        {
            services.AddHostedService<EmbeddedSimulator>();
        }

        return services;
    }
}
