using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.TestSupport;

/// <summary>
/// The embedded-mode bus (in-memory transport, in-memory state) with the production endpoint policy, on
/// MassTransit's test harness, with whatever roles or registrations a specification needs.
/// </summary>
public sealed class EmbeddedHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private EmbeddedHarness(ServiceProvider services)
    {
        _services = services;
        Harness = services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public IServiceProvider Services => _services;

    /// <param name="environment">Settings as environment variables would give them, e.g. <c>PIPELINE_POLL_INTERVAL_SECONDS</c>.</param>
    public static async Task<EmbeddedHarness> StartAsync(
        Func<IServiceCollection, RuntimeSettings, Action<IBusRegistrationConfigurator>> register,
        IReadOnlyDictionary<string, string?>? environment = null
    )
    {
        // The harness runs no hosted service, so no recurring job: a test runs a round of one itself.
        var settings = RuntimeSettings.Read(
            new ConfigurationBuilder()
                .AddInMemoryCollection(
                    new Dictionary<string, string?> { ["MERGE_WATCH_INTERVAL_SECONDS"] = "0", ["GITLAB_METADATA_TTL_SECONDS"] = "0" }
                )
                .AddInMemoryCollection(environment ?? new Dictionary<string, string?>())
                .Build()
        );
        var services = new ServiceCollection().AddLogging();
        services.AddGitLabBusState(settings);
        var registrations = register(services, settings);
        services.AddMassTransitTestHarness(x => BusRegistration.Configure(x, settings.Bus, registrations));
        var harness = new EmbeddedHarness(services.BuildServiceProvider(true));
        await harness.Harness.Start();
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
    }
}
