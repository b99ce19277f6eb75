using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Simulator;

namespace GitLabBus.Bench;

/// <summary>
/// Reviews with the rules reviewer: <see cref="MergeRequests"/> merge requests opened at once on the simulator (each adds
/// a file with one debug line), each reviewed on its open hook by one consumers process on RabbitMQ and Redis. Prints
/// reviews per second (first merge request opened to last summary posted), p50/p99 from a merge request opened to its
/// summary, and the service user's GitLab calls per review, counted by the simulator (<c>GET /_sim/requests</c>).
/// </summary>
public sealed class ReviewsBenchmark(BenchSettings settings)
{
    public const int MergeRequests = 200;
    private const int RedisDatabase = 12;

    public sealed record Result(
        int Reviews,
        double PerSecond,
        double P50Seconds,
        double P99Seconds,
        double CallsPerReview,
        double ThreadsPerReview
    );

    public async Task<Result> RunAsync()
    {
        await using var simulator = await BenchSimulator.StartAsync();
        var simulatorUrl = BenchSimulator.Url;
        var gitlab = simulator.Root;
        await using var deployment = await BenchDeployment.StartAsync(
            settings,
            simulatorUrl,
            RedisDatabase,
            new Dictionary<string, string> { ["GITLAB_TOKEN"] = SimulatorOptions.BotToken, ["MERGE_WATCH_INTERVAL_SECONDS"] = "0" }
        );
        // Merge request and comment events only: the reviews' own work, nothing of the pipelines' or the queue's.
        await PostAsync(
            gitlab,
            "/api/v4/projects/1/hooks",
            new
            {
                url = $"http://127.0.0.1:{BenchDeployment.GatewayPort}/webhooks/gitlab",
                token = BenchDeployment.Secret,
                push_events = false,
                merge_requests_events = true,
                note_events = true,
                pipeline_events = false,
            }
        );
        for (var i = 0; i < MergeRequests; i++)
        {
            await PostAsync(
                gitlab,
                "/api/v4/projects/1/repository/commits",
                new
                {
                    branch = $"review-{i:000}",
                    start_branch = "main",
                    commit_message = $"Add feature {i}",
                    actions = new[]
                    {
                        new
                        {
                            action = "create",
                            file_path = $"web/feature_{i:000}.js",
                            content = $"export const feature{i} = {i};\nconsole.log(feature{i});\n",
                        },
                    },
                }
            );
        }

        (await gitlab.DeleteAsync("/_sim/requests")).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(16);
        var opened = await Task.WhenAll(
            Enumerable
                .Range(0, MergeRequests)
                .Select(async i =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var started = clock.Elapsed;
                        using var created = await gitlab.PostAsJsonAsync(
                            "/api/v4/projects/1/merge_requests",
                            new
                            {
                                source_branch = $"review-{i:000}",
                                target_branch = "main",
                                title = $"Feature {i}",
                            }
                        );
                        created.EnsureSuccessStatusCode();
                        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iid").GetInt64(), started);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })
        );

        using var api = BenchDeployment.CreateClient(16);
        var latencies = new List<double>();
        var threads = 0;
        foreach (var (iid, started) in opened)
        {
            var review = await ReviewedAsync(api, iid);
            var reviewedAt = clock.Elapsed - (DateTimeOffset.UtcNow - review.GetProperty("reviewed_at").GetDateTimeOffset());
            latencies.Add((reviewedAt - started).TotalSeconds);
            threads += review
                .GetProperty("findings")
                .EnumerateArray()
                .Count(f => f.GetProperty("discussion_id").ValueKind == JsonValueKind.String);
        }

        var last = opened.Select((each, index) => each.started.TotalSeconds + latencies[index]).Max();
        var calls = (await gitlab.GetFromJsonAsync<JsonElement>("/_sim/requests")).GetProperty("by_user");
        var bot = calls.TryGetProperty(SimulatorOptions.BotUsername, out var count) ? count.GetInt64() : 0;
        latencies.Sort();
        return new Result(
            opened.Length,
            opened.Length / last,
            Percentiles.Of(latencies, 0.50),
            Percentiles.Of(latencies, 0.99),
            (double)bot / opened.Length,
            (double)threads / opened.Length
        );
    }

    private static async Task<JsonElement> ReviewedAsync(HttpClient api, long iid)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var answer = await api.GetAsync($"/gitlab/projects/1/merge-requests/{iid}/review");
            if (answer.IsSuccessStatusCode)
            {
                return await answer.Content.ReadFromJsonAsync<JsonElement>();
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"!{iid} was not reviewed within ten minutes");
            }

            await Task.Delay(200);
        }
    }

    private static async Task PostAsync(HttpClient http, string path, object body) =>
        (await http.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode();
}
