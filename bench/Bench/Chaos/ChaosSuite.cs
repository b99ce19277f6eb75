using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace GitLabBus.Bench.Chaos;

/// <summary>Where the chaos suite's brokers and Redis are: the loopback clusters and single nodes <c>scripts/chaos.sh</c> starts.</summary>
public sealed record ChaosTargets(
    string Repository,
    string ClusterRabbitMqUrl,
    string ClusterManagementUrl,
    string RedisClusterSeeds,
    string SingleRabbitMqUrl,
    string SingleManagementUrl,
    string SingleRedis,
    IReadOnlySet<string> Faults
)
{
    public static readonly string[] AllFaults = ["rabbitmq-node", "redis-master", "gateway", "consumers", "sagas", "broker-restart"];

    public static ChaosTargets FromArgs(string[] args) =>
        new(
            BenchSettings.Arg(args, "repository", Directory.GetCurrentDirectory()),
            BenchSettings.Arg(args, "cluster-rabbitmq", "amqp://guest:guest@127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683/gitlabbus-chaos"),
            BenchSettings.Arg(args, "cluster-management", "http://127.0.0.1:15681"),
            BenchSettings.Arg(args, "redis-cluster", "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"),
            BenchSettings.Arg(args, "single-rabbitmq", "amqp://guest:guest@127.0.0.1:5684/gitlabbus-chaos"),
            BenchSettings.Arg(args, "single-management", "http://127.0.0.1:15684"),
            BenchSettings.Arg(args, "single-redis", "127.0.0.1:6379"),
            BenchSettings.Arg(args, "faults", string.Join(',', AllFaults)).Split(',', StringSplitOptions.TrimEntries).ToHashSet()
        );
}

/// <summary>
/// Faults under load, loopback only and bounded: a steady webhook load, a backlog apply and a merge batch run through each
/// fault on a deployment of the three hosts; each row says what the webhooks were answered, how many accepted ones never
/// reached the router (lost), how many GitLab issues or merges were made twice (duplicates), how many merge requests the
/// batch landed and how long the service took to be normal again.
/// </summary>
public sealed class ChaosSuite(ChaosTargets targets)
{
    public const int WebhooksPerSecond = 40;
    public const int IssuesPerApply = 40;
    public const int MergeRequestsPerBatch = 3;

    /// <summary>Pipelines of one stage with one job of this length: long enough that a fault lands inside a batch.</summary>
    private static readonly TimeSpan JobDuration = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRecovery = TimeSpan.FromSeconds(30);
    private const string VirtualHost = "gitlabbus-chaos";
    private const int SingleRedisDatabase = 13;
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    private readonly ClusterControl _clusters = new(targets.Repository);

    /// <param name="Down">How long the fault itself kept a part down that an operator brings back (the broker's stop and start);
    /// zero for kills, where what was killed stays dead or coming back is the system's own recovery.</param>
    /// <param name="Recovery">From the fault (or, after a restart, from the part being back) until every answer and every routing
    /// was normal again (within a second).</param>
    public sealed record Row(
        string Fault,
        TimeSpan Down,
        int Accepted,
        int Unavailable,
        int Unanswered,
        int Lost,
        int Duplicates,
        int Merged,
        TimeSpan Recovery,
        string? Problem
    );

    /// <summary>The quorum queues the hosts declared on the cluster and the fewest members any of them has.</summary>
    public sealed record Replication(int QuorumQueues, int FewestMembers, int OtherQueues);

    public async Task<(IReadOnlyList<Row> Rows, Replication Replication)> RunAsync()
    {
        var rows = new List<Row>();
        Replication replication;
        await using var simulator = await BenchSimulator.StartAsync();
        await PrepareGitLabAsync(simulator.Root);

        await BenchSettings.ResetVirtualHostAsync(targets.ClusterManagementUrl, VirtualHost);
        await EmptyRedisClusterAsync();
        await using (var clustered = await BenchDeployment.StartAsync(targets.ClusterRabbitMqUrl, RedisClusterUrl, BenchSimulator.Url))
        {
            replication = await ReplicationAsync();
            if (targets.Faults.Contains("rabbitmq-node"))
            {
                rows.Add(
                    await UnderLoadAsync(
                        "kill -9 RabbitMQ node 1 of 3",
                        simulator,
                        () => _clusters.KillRabbitMqNodeAsync(1),
                        () => _clusters.StartRabbitMqNodeAsync(1)
                    )
                );
            }

            if (targets.Faults.Contains("redis-master"))
            {
                var master = await ClusterControl.RedisMasterOfAsync(targets.RedisClusterSeeds, "gitlabbus:{webhooks}:deliveries");
                rows.Add(
                    await UnderLoadAsync(
                        $"kill -9 the Redis master on {master} (the delivery log's)",
                        simulator,
                        () => _clusters.KillRedisNodeAsync(master),
                        () => _clusters.StartRedisNodeAsync(master)
                    )
                );
            }

            foreach (var role in new[] { "gateway", "consumers", "sagas" }.Where(targets.Faults.Contains))
            {
                rows.Add(
                    await UnderLoadAsync(
                        $"kill -9 the {role} process (restarted)",
                        simulator,
                        () => clustered.KillAndRestartAsync(role),
                        () => Task.CompletedTask
                    )
                );
            }
        }

        if (!targets.Faults.Contains("broker-restart"))
        {
            return (rows, replication);
        }

        await BenchSettings.ResetVirtualHostAsync(targets.SingleManagementUrl, VirtualHost);
        await using (
            var single = await BenchDeployment.StartAsync(targets.SingleRabbitMqUrl, await EmptySingleRedisAsync(), BenchSimulator.Url)
        )
        {
            rows.Add(
                await UnderLoadAsync(
                    "restart the single-node broker",
                    simulator,
                    async () =>
                    {
                        await _clusters.StopRabbitMqNodeAsync(4);
                        await _clusters.StartRabbitMqNodeAsync(4);
                    },
                    () => Task.CompletedTask,
                    operatorRestart: true
                )
            );
        }

        return (rows, replication);
    }

    /// <summary>Every queue of the chaos vhost as the cluster's management API lists it.</summary>
    private async Task<Replication> ReplicationAsync()
    {
        using var management = new HttpClient { BaseAddress = new Uri(targets.ClusterManagementUrl) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest"))
        );
        var queues = await management.GetFromJsonAsync<JsonElement[]>($"/api/queues/{VirtualHost}");
        var quorum = queues!.Where(queue => queue.GetProperty("type").GetString() == "quorum").ToList();
        return new Replication(
            quorum.Count,
            quorum.Count == 0 ? 0 : quorum.Min(queue => queue.GetProperty("members").GetArrayLength()),
            queues!.Length - quorum.Count
        );
    }

    private string RedisClusterUrl => $"redis://{targets.RedisClusterSeeds}";

    private async Task<Row> UnderLoadAsync(
        string fault,
        BenchSimulator simulator,
        Func<Task> inject,
        Func<Task> restore,
        bool operatorRestart = false
    )
    {
        using var gateway = BenchDeployment.CreateClient(64);
        var load = new WebhookLoad(gateway, WebhooksPerSecond);
        using var stopOffering = new CancellationTokenSource();
        using var stopWatching = new CancellationTokenSource();
        var offering = load.OfferAsync(stopOffering.Token);
        var watching = load.WatchRoutingAsync(stopWatching.Token);
        var prompt = $"chaos-{Guid.NewGuid():N}";
        var batch = new MergeBatchUnderFault(gateway, simulator.Root, prompt, MergeRequestsPerBatch);
        await batch.PrepareAsync();
        var apply = new BacklogUnderFault(gateway, simulator.Root, prompt, IssuesPerApply).RunAsync();
        var merge = batch.RunAsync();

        // The load runs before and after the fault: these waits are its duration, not synchronisation.
        await Task.Delay(Before);
        var faultAt = load.Now;
        await inject();
        var down = operatorRestart ? load.Now - faultAt : TimeSpan.Zero;
        await Task.Delay(After);
        stopOffering.Cancel();
        await offering;
        await load.SettledAsync();
        var applied = await apply;
        var merged = await merge;
        var drained = DateTime.UtcNow + Drain;
        while (!load.AllRouted && DateTime.UtcNow < drained)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        stopWatching.Cancel();
        await watching;
        await restore();

        var lost = load.Deliveries.Values.Count(delivery => delivery.RoutedSeenAt is null);
        var recovery = Recovery(load, faultAt + down);
        var problems = new List<string>();
        if (!applied.Finished)
        {
            problems.Add("the backlog apply did not finish");
        }

        if (applied.Missing > 0)
        {
            problems.Add($"{applied.Missing} issues missing");
        }

        if (merged.Problem is not null)
        {
            problems.Add(merged.Problem);
        }

        if (load.GivenUp > 0)
        {
            problems.Add($"{load.GivenUp} webhooks never accepted");
        }

        if (recovery > MaxRecovery)
        {
            problems.Add($"recovered after more than {MaxRecovery.TotalSeconds:0} s");
        }

        return new Row(
            fault,
            down,
            load.Answers.Count(answer => answer.Status is 202 or 200),
            load.Answers.Count(answer => answer.Status == 503),
            load.Answers.Count(answer => answer.Status is not (202 or 200 or 503)),
            lost,
            applied.Duplicates + merged.Duplicates,
            merged.Merged,
            recovery,
            problems.Count == 0 ? null : string.Join("; ", problems)
        );
    }

    /// <summary>From the fault to the end of the last abnormal event after it: an attempt that failed or took more than a
    /// second to be answered, or a delivery routed more than a second after it was accepted.</summary>
    private static TimeSpan Recovery(WebhookLoad load, TimeSpan faultAt)
    {
        var abnormalEnds = load
            .Answers.Where(answer => answer.Status is not (202 or 200) || answer.AnsweredAt - answer.SentAt > WebhookLoad.Normal)
            .Select(answer => answer.AnsweredAt)
            .Concat(
                load.Deliveries.Values.Select(delivery =>
                    delivery.RoutedSeenAt is { } routed && routed - delivery.AcceptedAt > WebhookLoad.Normal ? routed
                    : delivery.RoutedSeenAt is null ? load.Now
                    : TimeSpan.Zero
                )
            )
            .Where(end => end > faultAt)
            .ToList();
        return abnormalEnds.Count == 0 ? TimeSpan.Zero : abnormalEnds.Max() - faultAt;
    }

    /// <summary>Short pipelines, and the project's hook pointed at the gateway, as GitLab tells it of pipelines and merges.</summary>
    private static async Task PrepareGitLabAsync(HttpClient gitlab)
    {
        (
            await gitlab.PostAsJsonAsync(
                "/_sim/pipelines/settings",
                new { stages = new[] { "test" }, job_duration_seconds = JobDuration.TotalSeconds }
            )
        ).EnsureSuccessStatusCode();
        (
            await gitlab.PostAsJsonAsync(
                "/api/v4/projects/1/hooks",
                new
                {
                    url = $"http://127.0.0.1:{BenchDeployment.GatewayPort}/webhooks/gitlab",
                    token = BenchDeployment.Secret,
                    merge_requests_events = true,
                    pipeline_events = true,
                    note_events = true,
                }
            )
        ).EnsureSuccessStatusCode();
    }

    private async Task EmptyRedisClusterAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(targets.RedisClusterSeeds + ",allowAdmin=true");
        await Task.WhenAll(admin.GetServers().Where(server => !server.IsReplica).Select(server => server.FlushAllDatabasesAsync()));
    }

    private async Task<string> EmptySingleRedisAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(targets.SingleRedis + ",allowAdmin=true");
        await admin.GetServers()[0].FlushDatabaseAsync(SingleRedisDatabase);
        return $"redis://{targets.SingleRedis}/{SingleRedisDatabase}";
    }

    public static void Print(IReadOnlyList<Row> rows, Replication replication)
    {
        Console.WriteLine(
            $"GitLabBus chaos suite: {Environment.ProcessorCount} cores, {WebhooksPerSecond} webhooks/s offered, a backlog apply of"
                + $" {IssuesPerApply} issues and a merge batch of {MergeRequestsPerBatch} merge requests through each fault, on loopback"
        );
        Console.WriteLine(
            $"  on the three-node cluster: {replication.QuorumQueues} quorum queues, each on at least {replication.FewestMembers} nodes"
                + $" ({replication.OtherQueues} other queues)"
        );
        Console.WriteLine(
            $"  {"fault", -52} {"down s", 6} {"202", 6} {"503", 5} {"no answer", 9} {"lost", 5} {"duplicates", 10} {"merged", 6} {"recovery s", 10}"
        );
        foreach (var row in rows)
        {
            Console.WriteLine(
                $"  {row.Fault, -52} {row.Down.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), 6} {row.Accepted, 6} {row.Unavailable, 5} {row.Unanswered, 9} {row.Lost, 5} {row.Duplicates, 10} {row.Merged, 6}"
                    + $" {row.Recovery.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), 10}"
                    + (row.Problem is null ? "" : $"  ({row.Problem})")
            );
        }

        Console.WriteLine(
            $"chaos: {rows.Count} faults, {rows.Sum(row => row.Lost)} lost, {rows.Sum(row => row.Duplicates)} duplicates, max recovery"
                + $" {rows.Max(row => row.Recovery).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        );
    }

    public static bool Passed(IReadOnlyList<Row> rows, Replication replication) =>
        replication.FewestMembers == 3
        && rows.All(row => row.Lost == 0 && row.Duplicates == 0 && row.Recovery <= MaxRecovery && row.Problem is null);
}
