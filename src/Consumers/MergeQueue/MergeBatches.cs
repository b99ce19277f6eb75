using GitLabBus.Contracts;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// A batch to build: its number (which names its branch), the commit it starts from (the target's head, or the head of
/// the batch ahead when it is speculative) and its merge requests in landing order.
/// </summary>
public sealed record BatchPlan(long ProjectId, string TargetBranch, long Number, string BaseSha, IReadOnlyList<BatchCandidate> Candidates)
{
    public string Branch => MergeBatchNames.Branch(TargetBranch, Number);
}

/// <summary>
/// A built batch: its branch and head (what its pipeline tests), its batch merge request, the merge requests in it and
/// those that left it. <see cref="MergeRequestIid"/> is null when nothing could be included.
/// </summary>
public sealed record BuiltBatch(
    string Branch,
    string HeadSha,
    long? MergeRequestIid,
    IReadOnlyList<long> Included,
    IReadOnlyList<BatchExclusion> Excluded
);

/// <param name="TargetSha">The target's head after landing.</param>
/// <param name="Merged">The batch's merge requests GitLab shows as merged after landing.</param>
public sealed record BatchLanding(LandingOutcome Outcome, string? TargetSha, IReadOnlyList<long> Merged, string? Detail);

/// <summary>The names and words the queue writes into GitLab, in one place.</summary>
public static class MergeBatchNames
{
    public const string BatchLabel = "Merge Assist: Batch Merge Request";

    public static string Branch(string targetBranch, long number) => MergeQueueCorrelation.BatchBranch(targetBranch, number);

    public static string Title(long number, IEnumerable<long> iids) =>
        $"Merge Assist batch {number}: {string.Join(", ", iids.Select(iid => $"!{iid}"))}";

    public static string Description(long number, IEnumerable<long> iids) =>
        $"Batch {number} of the merge queue tests {string.Join(", ", iids.Select(iid => $"!{iid}"))} together in one pipeline.\n\n"
        + "The merge queue owns this branch and this merge request: do not push to it, merge it or close it. It is removed "
        + "when the batch ends.";

    /// <summary>
    /// The merge of one merge request into the batch branch. <c>[skip ci]</c>: each step of building would otherwise start a
    /// pipeline; the batch's one pipeline is started through the API once it is built.
    /// </summary>
    public static string StepMessage(long number, long iid) => $"Merge !{iid} into merge-assist batch {number} [skip ci]";

    public static string StepTitle(long number, long iid) => $"Merge Assist: !{iid} into batch {number}";
}
