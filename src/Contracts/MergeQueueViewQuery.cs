namespace GitLabBus.Contracts;

/// <summary>
/// A queue as it stands (CONTRACT 7's <c>GET .../merge-queue</c>), asked of the sagas: answered <see cref="MergeQueueView"/>.
/// </summary>
public record MergeQueueViewQuery(long ProjectId, string TargetBranch, string? OrgId = null);

public record MergeQueueView
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public bool Paused { get; init; }

    /// <summary>Why the queue stopped itself, when it did: it starts again when its settings are saved.</summary>
    public string? PausedReason { get; init; }
    public IReadOnlyList<MergeQueueEntryView> Entries { get; init; } = [];
    public IReadOnlyList<MergeQueueBatchView> Batches { get; init; } = [];
}

/// <summary>An entry; <see cref="State"/> is <c>queued</c>, <c>testing</c> or <c>merging</c> (the others are in the history).</summary>
public record MergeQueueEntryView(
    long MergeRequestIid,
    string Title,
    string WebUrl,
    string HeadSha,
    int Priority,
    string State,
    int Strikes,
    DateTimeOffset EnqueuedAt,
    Guid? BatchId
);

/// <summary>
/// A running batch; <see cref="State"/> is <c>building</c>, <c>testing</c>, <c>bisecting</c>, <c>merging</c> or <c>failed</c>.
/// </summary>
public record MergeQueueBatchView(
    Guid BatchId,
    long Number,
    string State,
    IReadOnlyList<long> MergeRequestIids,
    string Branch,
    long? BatchMergeRequestIid,
    long? PipelineId,
    string? PipelineUrl,
    DateTimeOffset? StartedAt
);

/// <summary>The merge requests that left a queue, newest first: answered <see cref="MergeQueueHistory"/>.</summary>
public record MergeQueueHistoryQuery(long ProjectId, string TargetBranch, int Limit, string? OrgId = null);

public record MergeQueueHistory(long ProjectId, string TargetBranch, IReadOnlyList<MergeQueueHistoryItem> Items);

/// <summary>
/// <see cref="Outcome"/> is <c>merged</c>, <c>rejected</c> (<see cref="Reason"/> <c>strikes</c> or <c>conflict</c>) or
/// <c>removed</c>.
/// </summary>
public record MergeQueueHistoryItem(
    long MergeRequestIid,
    string Title,
    string Outcome,
    string? Reason,
    Guid? BatchId,
    long? BatchNumber,
    int Strikes,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? At
);

/// <summary>
/// A merge request as the queue's REST commands need it (its target names its queue), asked of the consumers with the
/// caller's token: answered <see cref="MergeQueueMergeRequest"/>, or refused <c>not_found</c>.
/// </summary>
/// <param name="OrgId">The organisation whose GitLab the merge request is at; null for the served GitLab.</param>
public record MergeQueueMergeRequestQuery(long ProjectId, long MergeRequestIid, string? CredentialRef, string? OrgId = null);

public record MergeQueueMergeRequest(long ProjectId, long MergeRequestIid, string TargetBranch, string State, string Title);
