namespace GitLabBus.Contracts;

/// <summary>
/// A merge request is in its target's queue (CONTRACT 7's event), at <see cref="Position"/> of <see cref="Depth"/> in landing
/// order; published again when its priority changes.
/// </summary>
public record MrQueued
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public string HeadSha { get; init; } = "";
    public int Priority { get; init; }
    public int Position { get; init; }
    public int Depth { get; init; }
    public string Source { get; init; } = MergeQueueSources.Bus;
    public string? RequestedBy { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>
/// The queue started batch <see cref="Number"/> with <see cref="MergeRequestIids"/> in order on <see cref="BaseRef"/> (the
/// target, or the head of the batch ahead); <see cref="Bisecting"/> when it tests a prefix of a failed batch.
/// </summary>
public record MergeBatchStarted
{
    public Guid BatchId { get; init; }
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long Number { get; init; }
    public IReadOnlyList<long> MergeRequestIids { get; init; } = [];
    public string BaseRef { get; init; } = "";
    public bool Bisecting { get; init; }
    public int Depth { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A merge request landed with its batch: the target's tree is the one the batch's pipeline passed.</summary>
public record MrMerged
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public Guid BatchId { get; init; }
    public long Number { get; init; }
    public string? TargetSha { get; init; }

    /// <summary>From its admission to its batch's end.</summary>
    public double WaitSeconds { get; init; }
    public int Depth { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>What a pipeline said about a merge request found to break it: the pipeline and its failed jobs.</summary>
public record BatchFailureEvidence
{
    public long Number { get; init; }
    public string Status { get; init; } = "";
    public string? PipelineUrl { get; init; }
    public IReadOnlyList<PipelineJobSummary> FailedJobs { get; init; } = [];
}

/// <summary>
/// Bisection found this merge request to break its batch: a strike (<see cref="Strikes"/> of <see cref="MaxStrikes"/>);
/// it stays in the queue and is tested alone, beside the others' batches, so that it fails nobody else's batch again.
/// </summary>
public record MrStruck
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public int Strikes { get; init; }
    public int MaxStrikes { get; init; }
    public BatchFailureEvidence Evidence { get; init; } = new();

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>
/// A merge request left the queue against its will (CONTRACT 7's event): <see cref="MrRejectedReasons"/> says why. It is out
/// until it is marked ready again (a conflict: once it no longer conflicts, by itself).
/// </summary>
public record MrRejected
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public string HeadSha { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Detail { get; init; } = "";
    public int Strikes { get; init; }
    public BatchFailureEvidence? Evidence { get; init; }
    public int Depth { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

public static class MrRejectedReasons
{
    /// <summary>It broke <c>max_strikes</c> batches.</summary>
    public const string Strikes = "strikes";

    /// <summary>It conflicted with the target or with the merge requests ahead of it while a batch was built.</summary>
    public const string Conflict = "conflict";
}

/// <summary>
/// A project's queue settings changed: sent to the queue of every target branch they name or named (the queue applies them
/// from its next batch on, and starts or stops batching with <c>paused</c>).
/// </summary>
public record MergeQueueSettingsChanged
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public MergeQueueConfig Config { get; init; } = MergeQueueConfig.Default;

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>Take a merge request out of its queue (REST <c>DELETE</c>): a batch holding it is rebuilt without it.</summary>
public record MrRemovalRequested
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public string? RequestedBy { get; init; }
    public DateTimeOffset? RequestedAt { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A queued merge request's new priority (REST <c>PUT .../priority</c>), effective from the next batch.</summary>
public record MrPriorityChangeRequested
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public int Priority { get; init; }
    public string? RequestedBy { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
