using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using GitLabBus.GitLab;
using GitLabBus.Simulator;
using GitLabBus.Simulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.TestSupport;

/// <summary>A GitLab simulator of its own on a free loopback port, seeded with the demo, and clients for it.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private WebApplication _simulator = null!;
    private readonly List<ServiceProvider> _providers = [];

    public string Url { get; } = Ports.FreeLoopbackUrl();

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client of this simulator's REST API acting with <paramref name="token"/>; the caller disposes of it.</summary>
    public HttpClient ClientAs(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", token);
        return client;
    }

    /// <summary>Where the simulator keeps its projects' repositories while it runs.</summary>
    public string RepositoriesFolder => Store.Repositories.Root;

    /// <summary>The hook events of this simulator's projects from now on, whatever hooks it has, in the order it made them.</summary>
    public ChannelReader<SimHookEvent> HookEvents()
    {
        var events = Channel.CreateUnbounded<SimHookEvent>();
        Store.Emitted += hookEvent => events.Writer.TryWrite(hookEvent);
        return events.Reader;
    }

    private SimStore Store => _simulator.Services.GetRequiredService<SimStore>();

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = Url });
        Admin = new HttpClient { BaseAddress = new Uri(Url) };
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await StopAsync();
    }

    public async Task StopAsync()
    {
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
    }

    /// <summary>A client as a host would build it, with fast backoff so retries do not slow the suite.</summary>
    public GitLabClient Client(
        Func<GitLabClientOptions, GitLabClientOptions>? configure = null,
        string token = SimulatorOptions.DefaultToken
    )
    {
        var options = new GitLabClientOptions
        {
            BaseUrl = new Uri(Url),
            ServiceToken = new GitLabToken(token),
            RetryBackoffFactor = 0.02,
            RequestsPerSecond = 0,
        };
        var provider = new ServiceCollection().AddGitLabClient(configure?.Invoke(options) ?? options).BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<GitLabClientFactory>().Create();
    }

    public async Task FaultAsync(object fault)
    {
        using var response = await Admin.PostAsJsonAsync("/_sim/faults", fault);
        response.EnsureSuccessStatusCode();
    }

    public async Task<int> PendingFaultsAsync() => (await FaultsAsync()).GetProperty("pending").GetInt32();

    /// <summary>Faults count down as requests meet them: what is left tells how many attempts a client made.</summary>
    public async Task<int> RemainingFaultRequestsAsync() => (await FaultsAsync()).GetProperty("remaining_requests").GetInt32();

    private Task<JsonElement> FaultsAsync() => Admin.GetFromJsonAsync<JsonElement>("/_sim/faults");
}
