using GitLabBus.Gateway.Identity;
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
/// secret, so the simulator's events flow through the bus as GitLab's would — and the OAuth application sessions connect with.
/// </summary>
public sealed class EmbeddedSimulator(
    GitLabSettings gitlab,
    GatewaySettings gateway,
    GitLabOAuthCallback callback,
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
        lifetime.ApplicationStarted.Register(RegisterTheOAuthApplication);
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
        if (server.Features.Get<IServerAddressesFeature>()?.Addresses.Count is null or 0 || _simulator is null)
        {
            return;
        }

        var url = $"{GatewayAddress.Of(server)}/webhooks/gitlab";
        _simulator
            .Services.GetRequiredService<SimStore>()
            .Write(store =>
            {
                store.DemoHook = (url, gateway.WebhookSecret);
                HookEndpoints.InstallDemoHook(store);
            });
        logger.LogInformation("Simulator project demo/shop delivers its webhooks to {WebhookUrl}", url);
    }

    /// <summary>The application sessions connect with (<see cref="GitLabOAuthSettings.UsesEmbeddedApplication"/>), called back at
    /// this gateway's address once it listens.</summary>
    private void RegisterTheOAuthApplication()
    {
        if (!gitlab.OAuth.UsesEmbeddedApplication || _simulator is null)
        {
            return;
        }

        _simulator
            .Services.GetRequiredService<SimStore>()
            .Write(store =>
                store.RegisterApplication(
                    "GitLabBus (embedded)",
                    callback.Address.ToString(),
                    gitlab.OAuth.Scopes,
                    GitLabOAuthSettings.EmbeddedClientId,
                    GitLabOAuthSettings.EmbeddedClientSecret
                )
            );
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
