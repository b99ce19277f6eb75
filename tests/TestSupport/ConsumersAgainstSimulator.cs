using GitLabBus.Consumers;
using GitLabBus.Simulator;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.TestSupport;

/// <summary>
/// The consumers role on the embedded bus (MassTransit's test harness) against a GitLab simulator of its own over HTTP,
/// seeded with the demo, with an admin client for the simulator. <c>replace</c> swaps in test doubles after the role's registrations.
/// </summary>
public sealed class ConsumersAgainstSimulator : IAsyncDisposable
{
    private readonly WebApplication _simulator;
    private readonly EmbeddedHarness _embedded;

    private ConsumersAgainstSimulator(WebApplication simulator, EmbeddedHarness embedded, HttpClient gitlab) =>
        (_simulator, _embedded, GitLab) = (simulator, embedded, gitlab);

    public ITestHarness Harness => _embedded.Harness;

    /// <summary>The role's services, to run a recurring job's round directly.</summary>
    public IServiceProvider Services => _embedded.Services;

    /// <summary>The simulator's REST API with the root token.</summary>
    public HttpClient GitLab { get; }

    public static async Task<ConsumersAgainstSimulator> StartAsync(Action<IServiceCollection> replace)
    {
        var url = Ports.FreeLoopbackUrl();
        var simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = url });
        var gitlab = new HttpClient { BaseAddress = new Uri(url) };
        gitlab.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        var embedded = await EmbeddedHarness.StartAsync(
            (services, settings) =>
            {
                var consumers = services.AddConsumersRole(settings);
                replace(services);
                return consumers;
            },
            new Dictionary<string, string?>
            {
                ["GITLAB_BASE_URL"] = url,
                ["GITLAB_TOKEN"] = SimulatorOptions.DefaultToken,
                ["RETRY_BACKOFF_FACTOR"] = "0.01",
            }
        );
        return new ConsumersAgainstSimulator(simulator, embedded, gitlab);
    }

    public async ValueTask DisposeAsync()
    {
        await _embedded.DisposeAsync();
        GitLab.Dispose();
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
    }
}
