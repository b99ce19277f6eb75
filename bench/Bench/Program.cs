using GitLabBus.Bench;
using GitLabBus.Bench.Chaos;

// Benchmarks: webhook ingest (--scenario ingest, the default), pipelines monitored at once (pipelines), backlog apply and
// embedding cache (backlog), every one of those (all), the simulator's git operations (repository), or the merge queue's
// throughput on the simulator's clock against batch size 1 (merge-queue), or reviews of merge requests opened at once (reviews);
// --scenario chaos is the chaos suite (scripts/chaos.sh).
// Needs RabbitMQ (with management) and Redis on loopback: scripts/bench.sh starts them.
// Every figure is printed beside the raw limit of this machine measured in the same run.
if (args.Length == 4 && args[0] == BacklogBenchmark.DirectMode)
{
    Console.WriteLine(
        (await BacklogBenchmark.RunDirectAsync(args[1], args[2], int.Parse(args[3]))).ToString(
            System.Globalization.CultureInfo.InvariantCulture
        )
    );
    return;
}

var settings = BenchSettings.FromArgs(args);
if (settings.Scenario == "chaos")
{
    // Not a benchmark: faults under load (scripts/chaos.sh starts the clusters it needs); the exit code says whether it passed.
    var (rows, replication) = await new ChaosSuite(ChaosTargets.FromArgs(args)).RunAsync();
    ChaosSuite.Print(rows, replication);
    Environment.ExitCode = ChaosSuite.Passed(rows, replication) ? 0 : 1;
    return;
}

if (settings.Scenario == "repository")
{
    // Git in the simulator needs no broker: its baseline is the same operation on a one-commit branch, same process and run.
    Console.WriteLine(
        $"GitLabBus benchmark (repository): {Environment.ProcessorCount} cores; the simulator's git through GitLab's API, median of 15"
    );
    foreach (var figure in await RepositoryBenchmark.RunAsync())
    {
        Console.WriteLine(
            $"  {figure.Operation, -19} on a branch of {RepositoryBenchmark.LongHistory:N0} commits: {figure.LongMs, 7:0.0} ms"
                + $"  (one commit: {figure.ShortMs:0.0} ms, ratio {figure.LongMs / figure.ShortMs:0.0})"
        );
    }

    return;
}

if (settings.Scenario == "reviews")
{
    Console.WriteLine(
        $"GitLabBus benchmark (reviews): {Environment.ProcessorCount} cores; {ReviewsBenchmark.MergeRequests} merge requests opened at once,"
            + " the rules reviewer, one consumers process"
    );
    await settings.ResetVirtualHostAsync();
    var reviews = await new ReviewsBenchmark(settings).RunAsync();
    Console.WriteLine(
        $"  {reviews.Reviews} reviews: {reviews.PerSecond:0.0} reviews/s; opened to summary p50 {reviews.P50Seconds:0.00} s,"
            + $" p99 {reviews.P99Seconds:0.00} s; {reviews.CallsPerReview:0.0} GitLab calls per review with"
            + $" {reviews.ThreadsPerReview:0.0} new threads (target: at most 6 plus one per finding)"
    );
    return;
}

if (settings.Scenario == "embeddings")
{
    // The sentence model's own limit is the machine's cores: its figures are items per second against its targets, not ratios.
    Console.WriteLine(
        $"GitLabBus benchmark (embeddings): {Environment.ProcessorCount} cores; cache-embeddings with minilm through the deployed shape,"
            + " then backlog/similar over the cached titles"
    );
    foreach (var items in new[] { 10_000, settings.EmbeddingItems })
    {
        await settings.ResetVirtualHostAsync();
        var run = await new BacklogBenchmark(settings).CacheEmbeddingsAsync(items, "minilm", similarRequests: 500);
        Console.WriteLine(
            $"  {run.Items, 7:N0} titles: {run.Seconds, 6:0.0} s = {run.ItemsPerSecond, 4:N0} items/s (target >= 150: {Verdict(run.ItemsPerSecond >= 150)}),"
                + $" consumers peak working set {run.ConsumersPeakBytes / 1024.0 / 1024.0:0} MiB"
                + $" (target <= 700 MB: {Verdict(run.ConsumersPeakBytes <= 700_000_000)})"
        );
        var similar = run.Similar!;
        Console.WriteLine(
            $"          similar over them, {similar.Requests} requests one at a time: first {similar.FirstMs:0} ms (reads the index),"
                + $" then p50 {similar.P50Ms:0.0} ms, p99 {similar.P99Ms:0.0} ms (target p99 <= 50 ms: {Verdict(similar.P99Ms <= 50)})"
        );
    }

    return;
}

if (settings.Scenario == "merge-queue")
{
    // Its baseline is batch size 1 (one merge request at a time) in the same run, on the same simulated clock.
    Console.WriteLine(
        $"GitLabBus benchmark (merge-queue): {Environment.ProcessorCount} cores; {settings.MergeRequests} merge requests arriving over one"
            + $" simulated hour, pipelines of 10 simulated minutes, clock x{settings.ClockSpeed}"
    );
    var queue = new MergeQueueBenchmark(settings);
    foreach (var broken in settings.BrokenPercents)
    {
        await settings.ResetVirtualHostAsync();
        var single = await queue.RunAsync(broken, batchSize: 1, parallel: 1);
        await settings.ResetVirtualHostAsync();
        var defaults = await queue.RunAsync(broken, batchSize: 5, parallel: 2);
        Console.WriteLine(
            $"  {broken, 2} % broken: batch size 1 {single.MergedPerHour, 6:0.0} merged/h, {single.PipelinesPerMerged:0.00} pipelines/merged"
                + $" | defaults (5, 2 at once) {defaults.MergedPerHour, 6:0.0} merged/h, {defaults.PipelinesPerMerged:0.00} pipelines/merged"
                + $" | {defaults.MergedPerHour / single.MergedPerHour:0.0} x; rejected {single.Rejected} / {defaults.Rejected}"
        );
        if (broken == 10)
        {
            Console.WriteLine(
                $"  targets at 10 %: defaults >= 4 x batch size 1: {Verdict(defaults.MergedPerHour >= 4 * single.MergedPerHour)};"
                    + $" <= 0.5 pipelines per merged: {Verdict(defaults.PipelinesPerMerged <= 0.5)}"
            );
        }
    }

    return;
}

Console.WriteLine(
    $"GitLabBus benchmark ({settings.Scenario}): {Environment.ProcessorCount} cores, {settings.Messages} messages per phase, {settings.InFlight} publishes in flight"
);

await settings.ResetVirtualHostAsync();
var raw = await RawRabbitMqBaseline.MessagesPerSecondAsync(settings);
Console.WriteLine($"raw RabbitMQ.Client publish+consume (1 KiB, confirms, manual ack, quorum): {raw, 8:N0} msg/s");

await settings.ResetVirtualHostAsync();
var bare = await MassTransitBaseline.MessagesPerSecondAsync(settings);
Console.WriteLine(
    $"bare MassTransit publish+consume (quorum, default prefetch):              {bare, 8:N0} msg/s  = {bare / raw:0.00} of raw"
);

if (settings.Scenario is "pipelines" or "all")
{
    await settings.ResetVirtualHostAsync();
    var pipelines = await new PipelinesBenchmark(settings).RunAsync();
    Console.WriteLine(
        $"{pipelines.Pipelines:N0} pipelines triggered through the gateway and monitored at once (webhooks 16 at a time + polls, simulator at 50x):"
    );
    Console.WriteLine(
        $"  all final after {pipelines.SecondsToAllFinal:0.0} s = {pipelines.PipelinesPerSecond:0.0} pipelines/s ({pipelines.NotSucceeded} not success)"
    );
    Console.WriteLine(
        $"  saga messages consumed: {pipelines.SagaMessages:N0} = {pipelines.SagaMessagesPerSecond:N0} msg/s = {pipelines.SagaMessagesPerSecond / raw:0.000} of raw"
    );
    Console.WriteLine($"  sagas host peak working set: {pipelines.SagasPeakBytes / 1024.0 / 1024.0:0} MiB");
    Console.WriteLine(
        $"  GET pipeline through the gateway ({pipelines.GetSamples} requests, 8 at a time): p50 {pipelines.GetP50Ms:0.0} ms, p99 {pipelines.GetP99Ms:0.0} ms"
            + $"  (seed targets p50 < 100 ms: {Verdict(pipelines.GetP50Ms < 100)}, p99 < 400 ms: {Verdict(pipelines.GetP99Ms < 400)})"
    );
}

if (settings.Scenario is "backlog" or "all")
{
    await settings.ResetVirtualHostAsync();
    var backlog = new BacklogBenchmark(settings);
    var apply = await backlog.ApplyAsync();
    Console.WriteLine(
        $"apply-backlog of {apply.Items:N0} items (1 epic : 4 issues, issues linked to new epics) against the simulator at zero latency, median of 9 rounds after 5 warm-up runs each:"
    );
    Console.WriteLine(
        $"  through the gateway, saga and consumers: {apply.ApplyItemsPerSecond, 7:N0} items/s  (rounds: {string.Join(", ", apply.ApplySeconds.Select(s => $"{s:0.00} s"))})"
    );
    Console.WriteLine(
        $"  the same GitLab calls made directly:     {apply.DirectItemsPerSecond, 7:N0} items/s  (rounds: {string.Join(", ", apply.DirectSeconds.Select(s => $"{s:0.00} s"))})"
    );
    Console.WriteLine(
        $"  ratio {apply.ApplyItemsPerSecond / apply.DirectItemsPerSecond:0.00} (target >= 0.8: {Verdict(apply.ApplyItemsPerSecond / apply.DirectItemsPerSecond >= 0.8)})"
    );

    await settings.ResetVirtualHostAsync();
    var embeddings = await backlog.CacheEmbeddingsAsync(settings.EmbeddingItems, "local");
    Console.WriteLine(
        $"title embeddings of {embeddings.Items:N0} work items cached with the local provider: {embeddings.Seconds:0.0} s = {embeddings.ItemsPerSecond:N0} items/s;"
            + $" consumers peak working set {embeddings.ConsumersPeakBytes / 1024.0 / 1024.0:0} MiB (target <= 300 MB: {Verdict(embeddings.ConsumersPeakBytes <= 300_000_000)})"
    );
}

if (settings.Scenario is "pipelines" or "backlog")
{
    return;
}

await settings.ResetVirtualHostAsync();
var ingest = await new GatewayIngestBenchmark(settings).RunAsync();
Console.WriteLine(
    $"gateway webhook ingest (HTTP + Redis dedup + confirmed publish, router running): {ingest.AcceptedPerSecond, 8:N0} webhooks/s"
        + $"  = {ingest.AcceptedPerSecond / raw:0.00} of raw, {ingest.AcceptedPerSecond / bare:0.00} of bare MassTransit ({ingest.Refused} not accepted)"
);
Console.WriteLine(
    $"gateway webhook ingest alone (router stopped, its queue filling):          {ingest.AcceptedAlonePerSecond, 8:N0} webhooks/s"
        + $"  = {ingest.AcceptedAlonePerSecond / raw:0.00} of raw, {ingest.AcceptedAlonePerSecond / bare:0.00} of bare MassTransit"
);
Console.WriteLine(
    $"routing alone (consumers process draining that backlog):                   {ingest.RoutedPerSecond, 8:N0} webhooks/s"
        + $"  = {ingest.RoutedPerSecond / raw:0.00} of raw, {ingest.RoutedPerSecond / bare:0.00} of bare MassTransit"
);
Console.WriteLine(
    $"  CPU per routed webhook: consumers process {ingest.RoutingCpu.RouterUs:0} us, gateway (delivery log) {ingest.RoutingCpu.GatewayUs:0} us,"
        + $" the rest (broker, Redis) {ingest.RoutingCpu.RestUs:0} us"
);
Console.WriteLine(
    $"accept latency at {settings.OfferedRate} req/s for {settings.LatencyDuration.TotalSeconds:0} s: p50 {ingest.P50Ms:0.0} ms, p99 {ingest.P99Ms:0.0} ms, max {ingest.MaxMs:0.0} ms ({ingest.LatencySamples} requests)"
);
Console.WriteLine($"gateway peak working set: {ingest.GatewayPeakBytes / 1024.0 / 1024.0:0} MiB");
Console.WriteLine(
    $"targets: ingest >= 0.25 of raw: {Verdict(ingest.AcceptedAlonePerSecond / raw >= 0.25)} ({ingest.AcceptedAlonePerSecond / raw:0.00} alone, "
        + $"{ingest.AcceptedPerSecond / raw:0.00} with the router sharing the cores); p99 <= 50 ms at {settings.OfferedRate} req/s: {Verdict(ingest.P99Ms <= 50)}"
);

static string Verdict(bool met) => met ? "met" : "NOT met";
