namespace GitLabBus.Contracts;

/// <summary>A merge request was opened, updated, approved, merged, closed, ... (GitLab's <c>action</c>).</summary>
public record MergeRequestChanged
{
    public Guid DeliveryId { get; init; }
    public long ProjectId { get; init; }
    public long MergeRequestId { get; init; }
    public long MergeRequestIid { get; init; }
    public string Action { get; init; } = "";
    public string State { get; init; } = "";
    public string Title { get; init; } = "";
    public string SourceBranch { get; init; } = "";
    public string TargetBranch { get; init; } = "";
    public string? LastCommitSha { get; init; }
    public string? DetailedMergeStatus { get; init; }
    public bool Draft { get; init; }

    /// <summary>The head before this update when it brought new commits (GitLab's <c>oldrev</c>); null otherwise.</summary>
    public string? OldRev { get; init; }

    /// <summary>This update took it out of draft (<c>changes.draft</c> from true to false).</summary>
    public bool BecameReady { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? AuthorUsername { get; init; }

    /// <summary>Who made this change (the hook's <c>user</c>).</summary>
    public long? ActorId { get; init; }

    /// <summary>Labels this update added (GitLab's <c>changes.labels</c>, current but not previous); empty otherwise.</summary>
    public IReadOnlyList<string> AddedLabels { get; init; } = [];
    public string? Url { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}
