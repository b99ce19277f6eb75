using GitLabBus.Simulator;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Bench;

/// <summary>
/// A fresh GitLab simulator for one benchmark run, without its rate limit (the run measures the service, not the limit),
/// and a root client for its API and controls.
/// </summary>
public sealed class BenchSimulator : IAsyncDisposable
{
    public const string Url = "http://127.0.0.1:18929";

    private readonly WebApplication _app;

    private BenchSimulator(WebApplication app) => _app = app;

    /// <summary>Root's client for <c>/api/v4</c> and <c>/_sim</c>.</summary>
    public HttpClient Root { get; } = RootClient();

    public static async Task<BenchSimulator> StartAsync() =>
        new(
            await SimulatorApp.StartAsync(
                new SimulatorOptions
                {
                    PublicUrl = Url,
                    RateLimitPerMinute = int.MaxValue,
                    WebhookConcurrency = 8,
                }
            )
        );

    public async ValueTask DisposeAsync()
    {
        Root.Dispose();
        await _app.DisposeAsync();
    }

    private static HttpClient RootClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        return client;
    }
}
