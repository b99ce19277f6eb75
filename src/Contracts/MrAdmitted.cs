namespace GitLabBus.Contracts;

/// <summary>
/// Admission let a merge request into its target's queue: the head it was checked at, and the project's queue settings at
/// that moment (the queue applies them from its next batch on). The <c>merge-queue</c> saga of (project, target) queues it.
/// </summary>
public record MrAdmitted
{
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public string HeadSha { get; init; } = "";
    public string Title { get; init; } = "";
    public string WebUrl { get; init; } = "";
    public int Priority { get; init; }
    public string? RequestedBy { get; init; }
    public string Source { get; init; } = MergeQueueSources.Bus;
    public MergeQueueConfig Config { get; init; } = MergeQueueConfig.Default;

    /// <summary>When admission let it in: its place in the queue among equal priorities.</summary>
    public DateTimeOffset AdmittedAt { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>Admission kept a merge request out, with every reason (also written to it as one comment per head).</summary>
public record MrNotAdmitted
{
    public long ProjectId { get; init; }
    public long MergeRequestIid { get; init; }

    /// <summary>Its target's queue, which lets it go if it held it; null when GitLab does not know the merge request.</summary>
    public string? TargetBranch { get; init; }
    public string? HeadSha { get; init; }
    public DateTimeOffset? At { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
