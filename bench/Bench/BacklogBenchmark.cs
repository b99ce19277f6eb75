using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Simulator;
using GitLabBus.Simulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Bench;

/// <summary>
/// The backlog capability against the GitLab simulator at zero latency (in this process, no rate limit), through the
/// deployed shape (gateway, consumers and sagas processes on RabbitMQ and Redis):
/// <list type="bullet">
/// <item>apply-backlog of <see cref="BenchSettings.BacklogItems"/> items (one epic for four issues, every issue linked to
/// an epic of the same request), timed from the POST to its 200, against the same GitLab calls made directly with our
/// client, one after the other as the apply makes them, from a process of their own (as the consumers process is);
/// alternated over nine rounds after five warm-up runs on each side;</item>
/// <item>caching the title embeddings of <see cref="BenchSettings.EmbeddingItems"/> work items with a provider (the hashing one in
/// the backlog scenario; minilm, 10,000 then 100,000 items, in the embeddings scenario), timed from the POST to the operation's
/// end, with the consumers process's peak working set;</item>
/// <item>then <c>backlog/similar</c> over those cached titles through the gateway, one request at a time: the first (which reads
/// the project into the consumers' index), and p50/p99 of the next ones.</item>
/// </list>
/// </summary>
public sealed class BacklogBenchmark(BenchSettings settings)
{
    private const string SimulatorUrl = "http://127.0.0.1:18930";
    private const int RedisDatabase = 11;
    private const int Rounds = 9;
    private const int WarmUps = 5;

    public sealed record ApplyResult(
        int Items,
        double ApplyItemsPerSecond,
        double DirectItemsPerSecond,
        double[] ApplySeconds,
        double[] DirectSeconds
    );

    public sealed record EmbeddingsResult(
        int Items,
        double Seconds,
        double ItemsPerSecond,
        long ConsumersPeakBytes,
        SimilarResult? Similar
    );

    public sealed record SimilarResult(int Requests, double FirstMs, double P50Ms, double P99Ms);

    public async Task<ApplyResult> ApplyAsync()
    {
        await using var simulator = await SimulatorApp.StartAsync(
            new SimulatorOptions { PublicUrl = SimulatorUrl, RateLimitPerMinute = int.MaxValue }
        );
        await using var deployment = await BenchDeployment.StartAsync(
            settings,
            SimulatorUrl,
            RedisDatabase,
            new Dictionary<string, string> { ["APPLY_SYNC_TIMEOUT_SECONDS"] = "600" }
        );
        using var gateway = BenchDeployment.CreateClient(4);

        // Both sides are timed in their steady state, as long-running hosts are: full-size runs first let tiered
        // compilation settle in every process on the path (one run was seen to leave the steps four times slower).
        for (var warmUp = 0; warmUp < WarmUps; warmUp++)
        {
            await ApplyThroughGatewayAsync(gateway, $"warm-up-{warmUp}", settings.BacklogItems);
        }

        var applied = new List<double>();
        var directly = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            applied.Add(await ApplyThroughGatewayAsync(gateway, $"round-{round}", settings.BacklogItems));
            directly.Add(await DirectProcessAsync($"round-{round}-direct", settings.BacklogItems));
        }

        return new ApplyResult(
            settings.BacklogItems,
            settings.BacklogItems / Median(applied),
            settings.BacklogItems / Median(directly),
            [.. applied],
            [.. directly]
        );
    }

    public async Task<EmbeddingsResult> CacheEmbeddingsAsync(int items, string provider, int similarRequests = 0)
    {
        await using var simulator = await SimulatorApp.StartAsync(
            new SimulatorOptions { PublicUrl = SimulatorUrl, RateLimitPerMinute = int.MaxValue }
        );
        SeedIssues(simulator, items);
        await using var deployment = await BenchDeployment.StartAsync(
            settings,
            SimulatorUrl,
            RedisDatabase,
            new Dictionary<string, string> { ["EMBEDDINGS_PROVIDER"] = provider }
        );
        using var gateway = BenchDeployment.CreateClient(4);

        var clock = Stopwatch.StartNew();
        using var accepted = await gateway.PostAsync("/gitlab/projects/1/cache-embeddings", null);
        accepted.EnsureSuccessStatusCode();
        var operationId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operation_id").GetString();
        JsonElement operation;
        while (
            (operation = await gateway.GetFromJsonAsync<JsonElement>($"/operations/{operationId}")).GetProperty("status").GetString()
                is "pending"
                    or "running"
        )
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (operation.GetProperty("status").GetString() != "completed")
        {
            throw new InvalidOperationException($"the embedding run failed: {operation}");
        }

        var cached = operation.GetProperty("result").GetProperty("cached").GetInt32();
        var peak = deployment.Consumers.PeakWorkingSetBytes;
        return new EmbeddingsResult(
            cached,
            seconds,
            cached / seconds,
            peak,
            similarRequests > 0 ? await SimilarAsync(gateway, similarRequests) : null
        );
    }

    /// <summary>Texts a person would search for, each asked in turn: one request at a time, so each figure is one answer's time.</summary>
    private static async Task<SimilarResult> SimilarAsync(HttpClient gateway, int requests)
    {
        string Text(int i) => Uri.EscapeDataString($"{Words[i % Words.Length]} {Words[(i * 7 + 3) % Words.Length]} is broken");
        var clock = Stopwatch.StartNew();
        (await gateway.GetAsync($"/gitlab/projects/1/backlog/similar?text={Text(0)}")).EnsureSuccessStatusCode();
        var first = clock.Elapsed.TotalMilliseconds;
        var times = new List<double>(requests);
        for (var i = 1; i <= requests; i++)
        {
            clock.Restart();
            using var answer = await gateway.GetAsync($"/gitlab/projects/1/backlog/similar?text={Text(i)}&limit=10&min_score=0.3");
            answer.EnsureSuccessStatusCode();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return new SimilarResult(requests, first, Percentiles.Of(times, 0.5), Percentiles.Of(times, 0.99));
    }

    private static async Task<double> ApplyThroughGatewayAsync(HttpClient gateway, string prompt, int items)
    {
        var (epics, issues) = Split(items);
        var clock = Stopwatch.StartNew();
        using var response = await gateway.PostAsJsonAsync(
            "/gitlab/projects/1/apply-backlog",
            new
            {
                prompt_id = $"bench-{prompt}-{Guid.NewGuid():N}",
                epics = Enumerable
                    .Range(0, epics)
                    .Select(i => new
                    {
                        title = $"{prompt} epic {i}",
                        description = $"Generated epic {i}",
                        labels = new[] { "feature" },
                    })
                    .ToArray(),
                issues = Enumerable
                    .Range(0, issues)
                    .Select(i => new
                    {
                        title = $"{prompt} issue {i}",
                        description = $"Generated issue {i}",
                        labels = new[] { "backend" },
                        epic_id = $"new:{i % epics}",
                    })
                    .ToArray(),
            }
        );
        var seconds = clock.Elapsed.TotalSeconds;
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var done =
            body.GetProperty("results").GetProperty("epics").GetArrayLength()
            + body.GetProperty("results").GetProperty("issues").GetArrayLength();
        if (done != items || body.GetProperty("errors").GetArrayLength() > 0)
        {
            throw new InvalidOperationException($"the apply did not create every item: {body}");
        }

        return seconds;
    }

    /// <summary>
    /// The direct calls from a process of their own, as the consumers process makes them (a client in GitLab's own process
    /// would skip what crossing processes costs on this machine); warmed up there first, then timed there.
    /// </summary>
    private static async Task<double> DirectProcessAsync(string prompt, int items)
    {
        var start = new ProcessStartInfo(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "GitLabBus.Bench.dll"), DirectMode, SimulatorUrl, prompt, $"{items}"]
        )
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"the direct calls failed: {output}");
    }

    public const string DirectMode = "--direct-apply";

    /// <summary>The child process's side of <see cref="DirectProcessAsync"/>: prints the timed run's seconds.</summary>
    public static async Task<double> RunDirectAsync(string simulatorUrl, string prompt, int items)
    {
        await using var services = new ServiceCollection()
            .AddGitLabClient(
                new GitLabClientOptions
                {
                    BaseUrl = new Uri(simulatorUrl),
                    ServiceToken = new GitLabToken(SimulatorOptions.DefaultToken),
                    RequestsPerSecond = 0,
                }
            )
            .BuildServiceProvider();
        var client = services.GetRequiredService<GitLabClientFactory>().Create();
        for (var warmUp = 0; warmUp < WarmUps; warmUp++)
        {
            await ApplyDirectlyAsync(client, $"{prompt}-warm-up-{warmUp}", items);
        }

        return await ApplyDirectlyAsync(client, prompt, items);
    }

    /// <summary>What the apply consumer asks of GitLab for the same backlog: the project, its epics group, the labels, every
    /// create.</summary>
    private static async Task<double> ApplyDirectlyAsync(GitLabClient client, string prompt, int items)
    {
        var (epics, issues) = Split(items);
        var none = CancellationToken.None;
        var clock = Stopwatch.StartNew();
        var project = await client.GetProjectAsync(1, none);
        var group = project.Namespace!.Id;
        await client.GetEpicsPageAsync(group, null, 1, 1, none);
        await foreach (var _ in client.ListGroupLabelsAsync(group, none)) { }

        var created = new List<long>();
        for (var i = 0; i < epics; i++)
        {
            created.Add(
                (
                    await client.CreateEpicAsync(
                        group,
                        new NewGitLabEpic($"{prompt} epic {i}") { Description = $"Generated epic {i}", Labels = "feature" },
                        none
                    )
                ).Id
            );
        }

        await client.GetProjectAsync(1, none);
        await foreach (var _ in client.ListLabelsAsync(project.Id, none)) { }

        for (var i = 0; i < issues; i++)
        {
            await client.CreateIssueAsync(
                project.Id,
                new NewGitLabIssue($"{prompt} issue {i}")
                {
                    Description = $"Generated issue {i}",
                    Labels = "backend",
                    EpicId = created[i % epics],
                },
                none
            );
        }

        return clock.Elapsed.TotalSeconds;
    }

    private static (int Epics, int Issues) Split(int items) => (Math.Max(1, items / 5), items - Math.Max(1, items / 5));

    /// <summary>Work items straight into the simulator's store: creating 100,000 through its API would take longer than the run it sets
    /// up.</summary>
    private static void SeedIssues(WebApplication simulator, int count) =>
        simulator
            .Services.GetRequiredService<SimStore>()
            .Write(store =>
            {
                var project = store.Projects.First(p => p.Id == 1);
                for (var i = 0; i < count; i++)
                {
                    store.Issues.Add(
                        new SimIssue
                        {
                            Id = store.NewId(),
                            Iid = project.NextIssueIid++,
                            ProjectId = project.Id,
                            Title =
                                $"Generated work item {i}: {Words[i % Words.Length]} {Words[(i / 7) % Words.Length]} {Words[(i / 49) % Words.Length]}",
                            AuthorId = store.Root.Id,
                            CreatedAt = store.Now,
                            UpdatedAt = store.Now,
                        }
                    );
                }
            });

    private static readonly string[] Words =
    [
        "checkout",
        "login",
        "search",
        "cart",
        "payment",
        "invoice",
        "profile",
        "timeout",
        "crash",
        "slow",
        "mobile",
        "export",
        "import",
        "report",
        "email",
        "cache",
    ];

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
