using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitLabBus.Simulator;

namespace GitLabBus.Bench;

/// <summary>
/// The merge queue on the simulator's clock: pipelines of ten simulated minutes, <see cref="BenchSettings.MergeRequests"/>
/// merge requests whose own pipelines passed arriving over one simulated hour, a share of them breaking the build once
/// combined (a content rule their own pipelines did not see). Each run is a fresh simulator and a fresh deployment
/// (gateway, consumers, sagas as their own processes on RabbitMQ and Redis); it ends when every merge request is merged or
/// rejected. Figures are in simulated time, so they do not depend on this machine's speed beyond the steps between
/// pipelines (which the clock speeds up as well: a slow machine reads a little worse).
/// </summary>
public sealed partial class MergeQueueBenchmark(BenchSettings settings)
{
    private const int RedisDatabase = 11;
    private const int ConsumersPort = 18091;
    private static readonly TimeSpan PipelineLength = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ArrivalWindow = TimeSpan.FromHours(1);

    public sealed record Result(
        int BrokenPercent,
        int BatchSize,
        int Parallel,
        int Merged,
        int Rejected,
        double SimulatedHours,
        long Pipelines
    )
    {
        public double MergedPerHour => Merged / SimulatedHours;

        public double PipelinesPerMerged => Merged == 0 ? double.NaN : (double)Pipelines / Merged;
    }

    public async Task<Result> RunAsync(int brokenPercent, int batchSize, int parallel)
    {
        // The outcomes are read from the queue's history, which keeps the last 100.
        if (settings.MergeRequests is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "--merge-requests must be 1 to 100");
        }

        await using var simulator = await BenchSimulator.StartAsync();
        var simulatorUrl = BenchSimulator.Url;
        var gitlab = simulator.Root;
        await PostAsync(
            gitlab,
            "/_sim/pipelines/settings",
            new { stages = new[] { "test" }, job_duration_seconds = PipelineLength.TotalSeconds }
        );
        await PostAsync(gitlab, "/_sim/clock", new { speed = settings.ClockSpeed });
        await using var deployment = await BenchDeployment.StartAsync(
            settings,
            simulatorUrl,
            RedisDatabase,
            new Dictionary<string, string>
            {
                ["GITLAB_TOKEN"] = SimulatorOptions.BotToken,
                ["MERGE_WATCH_INTERVAL_SECONDS"] = "0",
                ["MERGE_STEP_LEASE_SECONDS"] = "5",
            }
        );
        await PostAsync(
            gitlab,
            "/api/v4/projects/1/hooks",
            new { url = $"http://127.0.0.1:{BenchDeployment.GatewayPort}/webhooks/gitlab", token = BenchDeployment.Secret }
        );
        using var api = BenchDeployment.CreateClient(16);
        (
            await api.PutAsJsonAsync(
                "/gitlab/projects/1/merge-queue/config",
                new { batch_size = batchSize, max_parallel_batches = parallel }
            )
        ).EnsureSuccessStatusCode();

        var alreadyPassed = await PassedPipelinesAsync(gitlab);
        var iids = new List<long>();
        var broken = new List<(long Iid, string Path)>();
        for (var i = 0; i < settings.MergeRequests; i++)
        {
            var breaks = brokenPercent > 0 && i * brokenPercent / 100 != (i + 1) * brokenPercent / 100;
            var path = $"src/change_{i:000}.py";
            var iid = await BenchSimulator.OpenMergeRequestAsync(
                gitlab,
                $"change-{i:000}",
                path,
                breaks ? "BREAKS_CHECKOUT = True\n" : $"VALUE_{i} = {i}\n"
            );
            iids.Add(iid);
            if (breaks)
            {
                broken.Add((iid, path));
            }
        }

        await WaitAsync(async () => await PassedPipelinesAsync(gitlab) >= alreadyPassed + iids.Count, "their own pipelines");
        foreach (var (_, path) in broken)
        {
            await PostAsync(
                gitlab,
                "/_sim/pipelines/rules",
                new { project_id = 1, when_file_contains = new { path, text = "BREAKS_CHECKOUT" } }
            );
        }

        var clock = Stopwatch.StartNew();
        var gap = ArrivalWindow / settings.MergeRequests / settings.ClockSpeed;
        foreach (var iid in iids)
        {
            (await api.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = iid })).EnsureSuccessStatusCode();
            await Task.Delay(gap);
        }

        var (merged, rejected) = (0, 0);
        await WaitAsync(
            async () =>
            {
                (merged, rejected) = await OutcomesAsync(api);
                return merged + rejected >= iids.Count;
            },
            "every merge request merged or rejected"
        );
        var hours = clock.Elapsed.TotalHours * settings.ClockSpeed;
        return new Result(brokenPercent, batchSize, parallel, merged, rejected, hours, await PipelinesAsync());
    }

    private static async Task<(int Merged, int Rejected)> OutcomesAsync(HttpClient api)
    {
        var history = await api.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue/history?limit=100");
        var items = history.GetProperty("items").EnumerateArray().ToList();
        return (
            items.Count(item => item.GetProperty("outcome").GetString() == "merged"),
            items.Count(item => item.GetProperty("outcome").GetString() == "rejected")
        );
    }

    /// <summary>Batch pipelines started, from the consumers' own <c>merge_pipelines_total</c>.</summary>
    private static async Task<long> PipelinesAsync()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{ConsumersPort}/metrics");
        return PipelinesTotal().Match(metrics) is { Success: true } match
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;
    }

    private static async Task<int> PassedPipelinesAsync(HttpClient gitlab)
    {
        var total = 0;
        for (var page = 1; ; page++)
        {
            var items = await gitlab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/pipelines?status=success&per_page=100&page={page}");
            total += items.GetArrayLength();
            if (items.GetArrayLength() < 100)
            {
                return total;
            }
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"gave up waiting for {what}");
            }

            await Task.Delay(250);
        }
    }

    private static async Task PostAsync(HttpClient http, string path, object body) =>
        (await http.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode();

    [GeneratedRegex(@"^merge_pipelines_total(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline)]
    private static partial Regex PipelinesTotal();
}
