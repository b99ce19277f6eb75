using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// CONTRACT 7's metrics (Prometheus adds <c>_total</c> to counters): <c>merge_queue_depth{project,target}</c>,
/// <c>merge_queue_wait_seconds</c>, <c>merge_batches_total{result}</c>, <c>merge_batch_duration_seconds</c> (from a batch
/// built to its end), <c>merge_requests_merged_total</c>, <c>merge_requests_rejected_total{reason}</c> and
/// <c>merge_pipelines_total</c>, from the queue's events.
/// </summary>
public sealed class MergeQueueTelemetry
{
    public const string Name = "GitLabBus.MergeQueue";

    private readonly ConcurrentDictionary<(string Project, string Target), int> _depths = new();
    private readonly Histogram<double> _wait;
    private readonly Counter<long> _batches;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _merged;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _pipelines;

    public MergeQueueTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        meter.CreateObservableGauge(
            "merge_queue_depth",
            () =>
                _depths.Select(depth => new Measurement<int>(
                    depth.Value,
                    new KeyValuePair<string, object?>("project", depth.Key.Project),
                    new KeyValuePair<string, object?>("target", depth.Key.Target)
                )),
            description: "Merge requests in the queue, waiting or in a batch"
        );
        _wait = meter.CreateHistogram<double>("merge_queue_wait_seconds", "s", "From admission to merged");
        _batches = meter.CreateCounter<long>("merge_batches", description: "Batches that ended, by result");
        _batchDuration = meter.CreateHistogram<double>("merge_batch_duration_seconds", "s", "From a batch built to its end");
        _merged = meter.CreateCounter<long>("merge_requests_merged", description: "Merge requests the queue merged");
        _rejected = meter.CreateCounter<long>("merge_requests_rejected", description: "Merge requests the queue rejected, by reason");
        _pipelines = meter.CreateCounter<long>("merge_pipelines", description: "Batch pipelines started");
    }

    public void Depth(ScopedProject project, string target, int depth) => _depths[(ProjectRedaction.Redact(project), target)] = depth;

    public void Testing(MergeBatchTesting testing)
    {
        if (testing.PipelineId is not null)
        {
            _pipelines.Add(1);
        }
    }

    public void Finished(MergeBatchFinished finished)
    {
        _batches.Add(1, new KeyValuePair<string, object?>("result", finished.Result));
        if (finished.BuiltAt is { } built)
        {
            _batchDuration.Record(Math.Max(0, (finished.FinishedAt - built).TotalSeconds));
        }
    }

    public void Merged(MrMerged merged)
    {
        _merged.Add(1);
        _wait.Record(merged.WaitSeconds);
        Depth(new ScopedProject(merged.OrgId, merged.ProjectId), merged.TargetBranch, merged.Depth);
    }

    public void Rejected(MrRejected rejected)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", rejected.Reason));
        Depth(new ScopedProject(rejected.OrgId, rejected.ProjectId), rejected.TargetBranch, rejected.Depth);
    }
}
