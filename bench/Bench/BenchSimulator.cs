using System.Net.Http.Json;
using System.Text.Json;
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

    /// <summary>A branch off <c>main</c> with one new file, and a merge request of it into <c>main</c>; returns its iid.</summary>
    public static async Task<long> OpenMergeRequestAsync(HttpClient gitlab, string branch, string path, string content)
    {
        var commit = new
        {
            branch,
            start_branch = "main",
            commit_message = $"Add {path}",
            actions = new[]
            {
                new
                {
                    action = "create",
                    file_path = path,
                    content,
                },
            },
        };
        (await gitlab.PostAsJsonAsync("/api/v4/projects/1/repository/commits", commit)).EnsureSuccessStatusCode();
        using var created = await gitlab.PostAsJsonAsync(
            "/api/v4/projects/1/merge_requests",
            new
            {
                source_branch = branch,
                target_branch = "main",
                title = $"Change {branch}",
            }
        );
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iid").GetInt64();
    }

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
