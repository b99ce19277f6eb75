using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Simulator;

namespace GitLabBus.Bench;

/// <summary>
/// The simulator's git operations through GitLab's API, on a branch of 1,000 commits against the same operations on a
/// branch of one commit (the baseline, same process, same run): a merge, a cherry-pick and a merge request diff.
/// </summary>
public sealed class RepositoryBenchmark
{
    public const int LongHistory = 1_000;
    private const int Rounds = 15;
    private const int FilesTouched = 50;

    public sealed record Figures(string Operation, double LongMs, double ShortMs);

    public static async Task<IReadOnlyList<Figures>> RunAsync()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        await using var simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = url });
        using var http = new HttpClient { BaseAddress = new Uri(url + "/api/v4/") };
        http.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        var api = new Api(http);

        await api.BranchWithCommitsAsync("long", LongHistory);
        await api.BranchWithCommitsAsync("short", 1);
        var figures = new List<Figures>();
        foreach (var operation in new[] { "merge", "cherry-pick", "merge request diff" })
        {
            var onLong = await api.MedianAsync(operation, "long");
            var onShort = await api.MedianAsync(operation, "short");
            figures.Add(new Figures(operation, onLong, onShort));
        }

        return figures;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Api(HttpClient http)
    {
        private int _next;

        public async Task BranchWithCommitsAsync(string branch, int commits)
        {
            await SendAsync(HttpMethod.Post, "projects/1/repository/branches", new { branch, @ref = "main" });
            for (var n = 0; n < commits; n++)
            {
                // The head commit adds a file of its own, so that it cherry-picks cleanly onto a branch from main.
                var last = n == commits - 1;
                var path = last ? $"bench/{branch}-head.txt" : $"bench/file-{n % FilesTouched}.txt";
                // [skip ci]: a thousand pushes should not leave a thousand pipelines running in the simulator.
                await SendAsync(
                    HttpMethod.Post,
                    "projects/1/repository/commits",
                    new
                    {
                        branch,
                        commit_message = $"Change {n} [skip ci]",
                        actions = new[]
                        {
                            new
                            {
                                action = last || n < FilesTouched ? "create" : "update",
                                file_path = path,
                                content = $"line {n}\n",
                            },
                        },
                    }
                );
            }
        }

        public async Task<double> MedianAsync(string operation, string branch)
        {
            var times = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                var target = $"target-{++_next}";
                await SendAsync(HttpMethod.Post, "projects/1/repository/branches", new { branch = target, @ref = "main" });
                var iid = await OpenAsync(branch, target);
                var watch = Stopwatch.StartNew();
                await (
                    operation switch
                    {
                        "merge" => SendAsync(HttpMethod.Put, $"projects/1/merge_requests/{iid}/merge", new { }),
                        "cherry-pick" => CherryPickHeadAsync(branch, target),
                        _ => SendAsync(HttpMethod.Get, $"projects/1/merge_requests/{iid}/diffs?per_page=100", null),
                    }
                );
                times.Add(watch.Elapsed.TotalMilliseconds);
                await SendAsync(HttpMethod.Put, $"projects/1/merge_requests/{iid}", new { state_event = "close" });
            }

            times.Sort();
            return times[times.Count / 2];
        }

        private async Task<long> OpenAsync(string source, string target)
        {
            var mr = await SendAsync(
                HttpMethod.Post,
                "projects/1/merge_requests",
                new
                {
                    source_branch = source,
                    target_branch = target,
                    title = $"Bench {source} into {target}",
                }
            );
            return mr.GetProperty("iid").GetInt64();
        }

        private async Task CherryPickHeadAsync(string branch, string onto)
        {
            var head = await SendAsync(HttpMethod.Get, $"projects/1/repository/branches/{branch}", null);
            var sha = head.GetProperty("commit").GetProperty("id").GetString();
            await SendAsync(HttpMethod.Post, $"projects/1/repository/commits/{sha}/cherry_pick", new { branch = onto });
        }

        private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }
}
