namespace GitLabBus.Contracts;

/// <summary>
/// The queue starts batch <see cref="Number"/>: the <c>merge-batch</c> saga builds it on <see cref="BaseSha"/>, has it
/// tested, tells the queue (<see cref="MergeBatchTesting"/>, <see cref="MergeBatchTested"/>), lands it or not as the
/// queue's <see cref="MergeBatchVerdictGiven"/> says, cleans up and ends with <see cref="MergeBatchFinished"/>.
/// </summary>
public record MergeBatchStartRequested
{
    public Guid BatchId { get; init; }
    public Guid QueueId { get; init; }
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long Number { get; init; }
    public string BaseSha { get; init; } = "";
    public IReadOnlyList<BatchCandidate> Candidates { get; init; } = [];

    /// <summary>How long the batch's pipeline may take before it counts as failed (<c>pipeline_timeout_minutes</c>).</summary>
    public int PipelineTimeoutSeconds { get; init; } = 3_600;

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>The batch is built and its pipeline runs (or it could not be built: <see cref="PipelineId"/> is null).</summary>
public record MergeBatchTesting
{
    public Guid BatchId { get; init; }
    public Guid QueueId { get; init; }
    public long Number { get; init; }
    public string HeadSha { get; init; } = "";
    public long? MergeRequestIid { get; init; }
    public long? PipelineId { get; init; }
    public string? PipelineUrl { get; init; }
    public IReadOnlyList<long> Included { get; init; } = [];
    public IReadOnlyList<BatchExclusion> Excluded { get; init; } = [];
    public DateTimeOffset? BuiltAt { get; init; }
}

/// <summary>
/// The batch's test ended: <see cref="Passed"/> when its pipeline succeeded; else the pipeline's status (or
/// <c>timed_out</c>, or <c>not_built</c> with <see cref="Failure"/>) and its failed jobs.
/// </summary>
public record MergeBatchTested
{
    public Guid BatchId { get; init; }
    public Guid QueueId { get; init; }
    public long Number { get; init; }
    public bool Passed { get; init; }
    public string Status { get; init; } = "";
    public string? PipelineUrl { get; init; }
    public IReadOnlyList<PipelineJobSummary> FailedJobs { get; init; } = [];
    public string? Failure { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>The queue's word on a tested batch: land it, or discard it (bisection, a rebuild, the queue paused).</summary>
public record MergeBatchVerdictGiven
{
    public Guid BatchId { get; init; }
    public bool Land { get; init; }
}

/// <summary>Raised (under the saga's schedule) when a batch's pipeline ran out of time.</summary>
public record MergeBatchPipelineTimedOut(Guid CorrelationId);

/// <summary>
/// A batch ended (CONTRACT 7's event): <c>merged</c>, <c>target_moved</c>, <c>refused</c>, <c>discarded</c> or
/// <c>not_built</c>, with the merge requests GitLab shows merged.
/// </summary>
public record MergeBatchFinished
{
    public Guid BatchId { get; init; }
    public Guid QueueId { get; init; }
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long Number { get; init; }
    public string Result { get; init; } = "";
    public IReadOnlyList<long> Merged { get; init; } = [];
    public string? TargetSha { get; init; }
    public string? Detail { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public DateTimeOffset? BuiltAt { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
