namespace GitLabBus.Contracts;

/// <summary>A merge request as the queue put it in a batch: the head it was admitted with.</summary>
public sealed record BatchCandidate(long Iid, string HeadSha);

/// <summary>Why a merge request left a batch while it was built; the queue tells its author.</summary>
public sealed record BatchExclusion(long Iid, BatchExclusionReason Reason, string Detail);

public enum BatchExclusionReason
{
    /// <summary>It conflicts with the target or with the merge requests before it in the batch.</summary>
    Conflict,

    /// <summary>Its head is no longer the one it was queued with: it is queued again with the new one.</summary>
    HeadMoved,

    /// <summary>It was merged, closed or otherwise left the open state meanwhile.</summary>
    NotOpen,
}

public enum LandingOutcome
{
    /// <summary>The target now holds exactly the tested tree, and every merge request of the batch is merged.</summary>
    Landed,

    /// <summary>The target moved outside the queue since the batch was built: rebuild it, blame no one.</summary>
    TargetMoved,

    /// <summary>GitLab refused the merge for another reason (the batch branch changed, a setting): see the detail.</summary>
    Refused,
}

/// <summary>
/// Build batch <see cref="Number"/> of (project, target) from <see cref="BaseSha"/> with <see cref="Candidates"/> in order,
/// and start its pipeline: the <c>merge-batch-steps</c> consumer answers <see cref="MergeBatchBuilt"/>.
/// </summary>
public record MergeBatchBuildRequested
{
    public Guid BatchId { get; init; }
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long Number { get; init; }
    public string BaseSha { get; init; } = "";
    public IReadOnlyList<BatchCandidate> Candidates { get; init; } = [];

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>
/// A batch built, its pipeline started and followed by the pipeline monitor (its end comes as <see cref="PipelineFinished"/>
/// on the batch's branch). <see cref="Failure"/> says why GitLab refused the building; nothing is tested then.
/// </summary>
public record MergeBatchBuilt
{
    public Guid BatchId { get; init; }
    public string Branch { get; init; } = "";
    public string HeadSha { get; init; } = "";
    public long? MergeRequestIid { get; init; }
    public IReadOnlyList<long> Included { get; init; } = [];
    public IReadOnlyList<BatchExclusion> Excluded { get; init; } = [];
    public long? PipelineId { get; init; }
    public string? PipelineUrl { get; init; }
    public string? Failure { get; init; }
    public DateTimeOffset? BuiltAt { get; init; }
}

/// <summary>Land a tested batch: merge its batch merge request with <see cref="HeadSha"/>, if the target holds nothing untested.</summary>
public record MergeBatchLandRequested
{
    public Guid BatchId { get; init; }
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long Number { get; init; }
    public string HeadSha { get; init; } = "";
    public long MergeRequestIid { get; init; }
    public IReadOnlyList<long> Included { get; init; } = [];

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

public record MergeBatchLanded
{
    public Guid BatchId { get; init; }
    public LandingOutcome Outcome { get; init; }
    public string? TargetSha { get; init; }
    public IReadOnlyList<long> Merged { get; init; } = [];
    public string? Detail { get; init; }
}

/// <summary>Remove what a batch made in GitLab (its step merge requests, its batch merge request if open, its branch).</summary>
public record MergeBatchCleanUpRequested
{
    public Guid BatchId { get; init; }
    public long ProjectId { get; init; }
    public string TargetBranch { get; init; } = "";
    public long Number { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

public record MergeBatchCleanedUp
{
    public Guid BatchId { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>
/// The merge queue's correlation ids, name-based like <see cref="PipelineCorrelation"/>: one <c>merge-queue</c> saga per
/// (project, target) and one <c>merge-batch</c> saga per batch number, found without a lookup on every replica.
/// </summary>
public static class MergeQueueCorrelation
{
    /// <summary>An organisation's queue is named within it (<c>org:acme:project:1:target:main</c>), as its batches are.</summary>
    public static Guid Queue(long projectId, string targetBranch, string? orgId = null) =>
        PipelineCorrelation.NameBased(OrgScope.Name(orgId, $"project:{projectId}:target:{targetBranch}"));

    public static Guid Batch(long projectId, string targetBranch, long number, string? orgId = null) =>
        PipelineCorrelation.NameBased(OrgScope.Name(orgId, $"project:{projectId}:target:{targetBranch}:batch:{number}"));

    private const string BranchPrefix = "merge-assist/batch/";

    /// <summary>The branch a batch is built on: <c>merge-assist/batch/{target_branch}/{number}</c>.</summary>
    public static string BatchBranch(string targetBranch, long number) => $"{BranchPrefix}{targetBranch}/{number}";

    /// <summary>The batch a branch (a pipeline's ref) belongs to, or null for any other branch.</summary>
    public static Guid? BatchOf(long projectId, string gitRef, string? orgId = null)
    {
        var split = gitRef.LastIndexOf('/');
        return
            gitRef.StartsWith(BranchPrefix, StringComparison.Ordinal)
            && split > BranchPrefix.Length
            && long.TryParse(gitRef[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? Batch(projectId, gitRef[BranchPrefix.Length..split], number, orgId)
            : null;
    }
}
