using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// A batch's life in GitLab, through its API only: a branch from the batch's base, each merge request merged into it in
/// order (a step merge request from its source branch, merged with its queued head), a batch merge request into the
/// target, one pipeline, and landing by merging the batch merge request: GitLab then marks each merge request merged,
/// since its head arrives on the target. Every call finds what an earlier attempt made before making it, so a redelivered
/// or resumed step repeats no write.
/// </summary>
/// <remarks>
/// Landing merges the tested head only when the target changed nothing the batch did not test (it is an ancestor of the
/// head, or it gained only the merges of the batches this one was built on); that merge gives the target exactly the
/// tested tree, and compare proves it after the fact.
/// </remarks>
public sealed class MergeBatchWorkspace(GitLabClient gitlab)
{
    public async Task<BuiltBatch> BuildAsync(BatchPlan plan, CancellationToken cancellationToken)
    {
        var (branch, created) = await FindOrCreateBranchAsync(plan, cancellationToken);
        var head = branch.Commit.Id;
        var included = new List<long>();
        var excluded = new List<BatchExclusion>();
        foreach (var candidate in plan.Candidates)
        {
            // A branch this attempt created holds nothing of the batch yet: no merge request needs looking for in it.
            var step = await MergeIntoBatchAsync(plan, candidate, head, created, cancellationToken);
            if (step.Exclusion is { } exclusion)
            {
                excluded.Add(exclusion);
                continue;
            }

            head = step.Head;
            included.Add(candidate.Iid);
        }

        if (included.Count == 0)
        {
            return new BuiltBatch(plan.Branch, head, null, included, excluded);
        }

        var batch = await FindOrCreateBatchMergeRequestAsync(plan, included, cancellationToken);
        return new BuiltBatch(plan.Branch, head, batch.Iid, included, excluded);
    }

    /// <summary>
    /// The batch's pipeline on its head, started through the API (build steps skip CI): the one already started for this
    /// head when there is one.
    /// </summary>
    public async Task<GitLabPipeline> StartPipelineAsync(long projectId, BuiltBatch batch, CancellationToken cancellationToken)
    {
        var existing = await gitlab.GetPipelinesPageAsync(projectId, batch.Branch, null, 1, 100, cancellationToken);
        return existing.Items.FirstOrDefault(pipeline => pipeline.Sha == batch.HeadSha && pipeline.Status != "skipped")
            ?? await gitlab.CreatePipelineAsync(projectId, new NewGitLabPipeline(batch.Branch), cancellationToken);
    }

    public async Task<BatchLanding> LandAsync(BatchPlan plan, BuiltBatch batch, CancellationToken cancellationToken)
    {
        var iid = batch.MergeRequestIid ?? throw new InvalidOperationException("An empty batch has nothing to land.");
        var batchRequest = await gitlab.GetMergeRequestAsync(plan.ProjectId, iid, false, cancellationToken);
        if (batchRequest.State != "merged")
        {
            var target = await gitlab.GetBranchAsync(plan.ProjectId, plan.TargetBranch, cancellationToken);
            if (!await HoldsOnlyTestedChangesAsync(plan.ProjectId, batch.HeadSha, target.Commit.Id, cancellationToken))
            {
                return new BatchLanding(
                    LandingOutcome.TargetMoved,
                    target.Commit.Id,
                    [],
                    $"{plan.TargetBranch} moved to {target.Commit.Id}"
                );
            }

            var refusal = await MergeBatchRequestAsync(plan, batch, iid, cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return await ProveAsync(plan, batch, cancellationToken);
    }

    /// <summary>
    /// Removes what the batch made: its pipeline if it still runs (a discarded batch's test holds runners nobody waits on),
    /// open step merge requests, the batch merge request if it did not land, the branch.
    /// </summary>
    public async Task CleanUpAsync(BatchPlan plan, CancellationToken cancellationToken)
    {
        var pipelines = await gitlab.GetPipelinesPageAsync(plan.ProjectId, plan.Branch, null, 1, 100, cancellationToken);
        foreach (var running in pipelines.Items.Where(pipeline => !GitLabPipelineStatuses.IsFinished(pipeline.Status)))
        {
            await gitlab.CancelPipelineAsync(plan.ProjectId, running.Id, cancellationToken);
        }

        var intoBatch = new WorkItemFilter { State = "opened", TargetBranch = plan.Branch };
        var fromBatch = new WorkItemFilter { State = "opened", SourceBranch = plan.Branch };
        foreach (var filter in new[] { intoBatch, fromBatch })
        {
            await foreach (var open in gitlab.ListMergeRequestsAsync(plan.ProjectId, filter, cancellationToken))
            {
                await CloseAsync(plan.ProjectId, open.Iid, cancellationToken);
            }
        }

        try
        {
            await gitlab.DeleteBranchAsync(plan.ProjectId, plan.Branch, cancellationToken);
        }
        catch (GitLabException gone) when (gone.Kind == GitLabErrorKind.NotFound)
        {
            // Removed by an earlier attempt.
        }
    }

    /// <summary>The batch's branch, and whether this attempt created it (an earlier one may have, before a crash).</summary>
    private async Task<(GitLabBranch Branch, bool Created)> FindOrCreateBranchAsync(BatchPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            return (await gitlab.CreateBranchAsync(plan.ProjectId, plan.Branch, plan.BaseSha, cancellationToken), true);
        }
        catch (GitLabException exists)
            when (exists.Kind == GitLabErrorKind.Validation && exists.GitLabMessage.Contains("already exists", StringComparison.Ordinal))
        {
            // Made by an earlier attempt or a concurrent one.
            return (await gitlab.GetBranchAsync(plan.ProjectId, plan.Branch, cancellationToken), false);
        }
    }

    private sealed record Step(string Head, BatchExclusion? Exclusion);

    private async Task<Step> MergeIntoBatchAsync(
        BatchPlan plan,
        BatchCandidate candidate,
        string head,
        bool freshBranch,
        CancellationToken cancellationToken
    )
    {
        if (!freshBranch && await ContainsAsync(plan.ProjectId, head, candidate.HeadSha, cancellationToken))
        {
            return new Step(head, null);
        }

        var mr = await gitlab.GetMergeRequestAsync(plan.ProjectId, candidate.Iid, false, cancellationToken);
        if (mr.State != "opened")
        {
            return new Step(head, new BatchExclusion(candidate.Iid, BatchExclusionReason.NotOpen, $"it is {mr.State}"));
        }

        if (mr.Sha != candidate.HeadSha)
        {
            return new Step(head, new BatchExclusion(candidate.Iid, BatchExclusionReason.HeadMoved, $"its head moved to {mr.Sha}"));
        }

        var step = await FindOrOpenAsync(
            plan.ProjectId,
            mr.SourceBranch,
            plan.Branch,
            MergeBatchNames.StepTitle(plan.Number, candidate.Iid),
            null,
            cancellationToken
        );
        try
        {
            var merged = await gitlab.MergeMergeRequestAsync(
                plan.ProjectId,
                step.Iid,
                new GitLabMergeOptions
                {
                    Sha = candidate.HeadSha,
                    Squash = false,
                    ShouldRemoveSourceBranch = false,
                    MergeCommitMessage = MergeBatchNames.StepMessage(plan.Number, candidate.Iid),
                },
                cancellationToken
            );
            return new Step(
                merged.MergeCommitSha ?? (await gitlab.GetBranchAsync(plan.ProjectId, plan.Branch, cancellationToken)).Commit.Id,
                null
            );
        }
        catch (GitLabException refused) when (refused.Kind is GitLabErrorKind.State or GitLabErrorKind.Conflict)
        {
            await CloseAsync(plan.ProjectId, step.Iid, cancellationToken);
            var reason = refused.Kind == GitLabErrorKind.Conflict ? BatchExclusionReason.HeadMoved : BatchExclusionReason.Conflict;
            return new Step(head, new BatchExclusion(candidate.Iid, reason, refused.GitLabMessage));
        }
    }

    private Task<GitLabMergeRequest> FindOrCreateBatchMergeRequestAsync(
        BatchPlan plan,
        IReadOnlyList<long> included,
        CancellationToken cancellationToken
    ) =>
        FindOrOpenAsync(
            plan.ProjectId,
            plan.Branch,
            plan.TargetBranch,
            MergeBatchNames.Title(plan.Number, included),
            MergeBatchNames.Description(plan.Number, included),
            cancellationToken,
            MergeBatchNames.BatchLabel
        );

    /// <summary>The open merge request from <paramref name="source"/> into <paramref name="target"/>, opened when there is none.</summary>
    private async Task<GitLabMergeRequest> FindOrOpenAsync(
        long projectId,
        string source,
        string target,
        string title,
        string? description,
        CancellationToken cancellationToken,
        string? labels = null
    )
    {
        var filter = new WorkItemFilter
        {
            State = "opened",
            SourceBranch = source,
            TargetBranch = target,
        };
        // Created first (the common case, one call); GitLab refuses a second open one for the same branches, and the
        // refusal is how a repeated attempt finds the one it made before.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var request = new NewGitLabMergeRequest(source, target, title) { Description = description, Labels = labels };
                return await gitlab.CreateMergeRequestAsync(projectId, request, cancellationToken);
            }
            catch (GitLabException exists) when (exists.Kind == GitLabErrorKind.Conflict && attempt == 0)
            {
                await foreach (var open in gitlab.ListMergeRequestsAsync(projectId, filter, cancellationToken))
                {
                    return open;
                }
            }
        }
    }

    private async Task<BatchLanding?> MergeBatchRequestAsync(
        BatchPlan plan,
        BuiltBatch batch,
        long iid,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await gitlab.MergeMergeRequestAsync(
                plan.ProjectId,
                iid,
                new GitLabMergeOptions
                {
                    Sha = batch.HeadSha,
                    Squash = false,
                    ShouldRemoveSourceBranch = false,
                    MergeCommitMessage = MergeBatchNames.Title(plan.Number, batch.Included),
                },
                cancellationToken
            );
            return null;
        }
        catch (GitLabException refused) when (refused.Kind is GitLabErrorKind.State or GitLabErrorKind.Conflict)
        {
            var target = await gitlab.GetBranchAsync(plan.ProjectId, plan.TargetBranch, cancellationToken);
            var moved = !await HoldsOnlyTestedChangesAsync(plan.ProjectId, batch.HeadSha, target.Commit.Id, cancellationToken);
            return new BatchLanding(
                moved ? LandingOutcome.TargetMoved : LandingOutcome.Refused,
                target.Commit.Id,
                [],
                refused.GitLabMessage
            );
        }
    }

    // After the merge: the target's tree must be the tested one (compare shows no difference), and GitLab shows the batch's
    // merge requests merged (their heads arrived on the target).
    private async Task<BatchLanding> ProveAsync(BatchPlan plan, BuiltBatch batch, CancellationToken cancellationToken)
    {
        var target = await gitlab.GetBranchAsync(plan.ProjectId, plan.TargetBranch, cancellationToken);
        var difference = await gitlab.CompareAsync(plan.ProjectId, batch.HeadSha, target.Commit.Id, straight: true, cancellationToken);
        var merged = new List<long>();
        foreach (var iid in batch.Included)
        {
            if ((await gitlab.GetMergeRequestAsync(plan.ProjectId, iid, false, cancellationToken)).State == "merged")
            {
                merged.Add(iid);
            }
        }

        return difference.Diffs.Count == 0
            ? new BatchLanding(LandingOutcome.Landed, target.Commit.Id, merged, null)
            : new BatchLanding(
                LandingOutcome.Refused,
                target.Commit.Id,
                merged,
                $"{plan.TargetBranch} differs from the tested {batch.HeadSha} in "
                    + string.Join(", ", difference.Diffs.Select(diff => diff.NewPath))
            );
    }

    /// <summary>
    /// True when the target changed nothing since it parted from the batch's head: it is an ancestor of it, or it only
    /// gained the merges of batches ahead, whose trees the batch was built on. Merging the head then gives the target exactly
    /// the tested tree.
    /// </summary>
    private async Task<bool> HoldsOnlyTestedChangesAsync(
        long projectId,
        string batchHead,
        string target,
        CancellationToken cancellationToken
    ) => (await gitlab.CompareAsync(projectId, batchHead, target, straight: false, cancellationToken)).Diffs.Count == 0;

    /// <summary>True when <paramref name="commit"/> is <paramref name="head"/> or one of its ancestors.</summary>
    private async Task<bool> ContainsAsync(long projectId, string head, string commit, CancellationToken cancellationToken) =>
        commit == head || (await gitlab.CompareAsync(projectId, head, commit, straight: false, cancellationToken)).Commits.Count == 0;

    private async Task CloseAsync(long projectId, long iid, CancellationToken cancellationToken) =>
        await gitlab.UpdateMergeRequestAsync(projectId, iid, new GitLabMergeRequestUpdate { StateEvent = "close" }, cancellationToken);
}
