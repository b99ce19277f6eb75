using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// The merge queue of one (project, target), correlated by <see cref="MergeQueueCorrelation.Queue"/>: its waiting merge
/// requests, its running batches, the suspects of failed batches and a bounded history. Every field comes from messages (times
/// included), so a replay of the journal rebuilds the same instance; the decisions are in <c>MergeQueueState.Decisions.cs</c>.
/// </summary>
public sealed partial class MergeQueueState : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>How many merged, rejected and removed merge requests the queue remembers for its history.</summary>
    public const int HistoryLimit = 100;

    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }

    public long ProjectId { get; set; }

    /// <summary>The organisation whose GitLab the project is at; null for the served GitLab.</summary>
    public string? OrgId { get; set; }
    public string TargetBranch { get; set; } = "";
    public MergeQueueConfig Config { get; set; } = MergeQueueConfig.Default;

    /// <summary>Why the queue stopped itself (GitLab refused a landing or a build), until its settings are saved again.</summary>
    public string? HaltedReason { get; set; }

    public long LastBatchNumber { get; set; }

    /// <summary>
    /// How many batches may run at once now (0: <c>max_parallel_batches</c>): one after a batch failed, one more with each
    /// batch that lands, as Zuul's window does, so that a run of failures wastes no pipelines on batches built on them.
    /// </summary>
    public int Window { get; set; }
    public List<QueueEntry> Entries { get; set; } = [];

    /// <summary>Batches the queue still waits on, in number order: the main line and the probes; a discarded one leaves at once.</summary>
    public List<QueueBatch> Batches { get; set; } = [];

    /// <summary>Groups of suspects being narrowed down, each with at most one probe running.</summary>
    public List<QueueSuspects> Suspects { get; set; } = [];

    /// <summary>Batches landed so far: a probe lands only on the target it was built on, which no landing has moved since.</summary>
    public long Landings { get; set; }

    /// <summary>Newest first, at most <see cref="HistoryLimit"/>.</summary>
    public List<QueueHistoryItem> History { get; set; } = [];
}

/// <summary>A merge request in the queue, with the head it was admitted at.</summary>
public sealed class QueueEntry
{
    public long Iid { get; set; }
    public string HeadSha { get; set; } = "";
    public string Title { get; set; } = "";
    public string WebUrl { get; set; } = "";
    public int Priority { get; set; }
    public DateTimeOffset EnqueuedAt { get; set; }
    public int Strikes { get; set; }
    public string? RequestedBy { get; set; }
    public string Source { get; set; } = MergeQueueSources.Bus;

    /// <summary>The main batch it is in, or the probe landing it; null while it waits or is a suspect.</summary>
    public Guid? BatchId { get; set; }

    /// <summary>It passed a pipeline alone since its last strike: batched like the others again.</summary>
    public bool Cleared { get; set; }

    /// <summary>Strikes and not cleared since: it is tested alone, never in a batch with others.</summary>
    public bool Struck => Strikes > 0 && !Cleared;

    public QueuedMergeRequest AsQueued() => new(Iid, HeadSha, Priority, EnqueuedAt, Strikes);
}

/// <summary>A batch as the queue follows it.</summary>
public sealed class QueueBatch
{
    public Guid BatchId { get; set; }
    public long Number { get; set; }

    /// <summary>Its merge requests in order; those that left it while it was built are gone from here.</summary>
    public List<long> Members { get; set; } = [];
    public string BaseRef { get; set; } = "";

    /// <summary>Set for a probe: how many of its group's <see cref="QueueSuspects.Members"/> it holds.</summary>
    public int? PrefixLength { get; set; }

    /// <summary>For a probe, <see cref="MergeQueueState.Landings"/> when it started (null when a batch was landing then).</summary>
    public long? LandingsBefore { get; set; }
    public string State { get; set; } = QueueBatchStates.Building;
    public string? HeadSha { get; set; }
    public long? MergeRequestIid { get; set; }
    public long? PipelineId { get; set; }
    public string? PipelineUrl { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public BatchFailureEvidence? Failure { get; set; }

    public bool Bisecting => PrefixLength is not null;
}

public static class QueueBatchStates
{
    public const string Building = "building";
    public const string Testing = "testing";

    /// <summary>Its pipeline passed; it lands when every batch ahead has.</summary>
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Merging = "merging";
}

/// <summary>
/// Merge requests known to fail together on the target (<see cref="Evidence"/> is the latest pipeline that showed it),
/// narrowed down by one probe at a time beside the main line. A group of one is a struck merge request, tested alone until
/// it passes (and is batched again) or is rejected.
/// </summary>
public sealed class QueueSuspects
{
    public List<long> Members { get; set; } = [];
    public BatchFailureEvidence Evidence { get; set; } = new();

    /// <summary>
    /// Pipelines that failed with the culprit in them and are not yet struck: the batch, then every failing probe (each
    /// holds the stretch the culprit is in). Each is a strike: a real break gathers several, a flaky failure only one.
    /// </summary>
    public int Failures { get; set; }

    /// <summary>The probe testing a prefix of <see cref="Members"/> now, if any.</summary>
    public Guid? ProbeId { get; set; }
}

/// <summary>A merge request that left the queue: <c>merged</c>, <c>rejected</c> or <c>removed</c>.</summary>
public sealed class QueueHistoryItem
{
    public long Iid { get; set; }
    public string Title { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string? Reason { get; set; }
    public Guid? BatchId { get; set; }
    public long? BatchNumber { get; set; }
    public int Strikes { get; set; }
    public DateTimeOffset EnqueuedAt { get; set; }
    public DateTimeOffset? At { get; set; }
}
