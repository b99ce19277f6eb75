using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// What a batch start must hold before the saga sees it; a raw one from another system that breaks it ends in
/// <c>_error</c> with the reason. The batch id must be the batch's own name-based id, so that its pipeline finds it.
/// </summary>
public sealed class MergeBatchStartRules : IMessageRules<MergeBatchStartRequested>
{
    public string? Problem(MergeBatchStartRequested message) =>
        message.ProjectId <= 0 ? "project_id must be a positive GitLab project id"
        : PipelineTriggerRules.RefProblem(message.TargetBranch) is { } target ? $"target_branch: {target}"
        : message.Number <= 0 ? "number must be positive"
        : message.OrgId is { } org && !OrgScope.IsValidId(org) ? $"org_id must be {OrgScope.IdRule}"
        : message.BatchId != MergeQueueCorrelation.Batch(message.ProjectId, message.TargetBranch, message.Number, message.OrgId)
            ? "batch_id must be the batch's id (MergeQueueCorrelation.Batch of project, target, number and organisation)"
        : message.BaseSha.Length == 0 ? "base_sha is required"
        : message.Candidates is not { Count: > 0 and <= MergeQueueConfigRules.MaxBatchSize }
            ? $"1 to {MergeQueueConfigRules.MaxBatchSize} candidates"
        : message.PipelineTimeoutSeconds is < 1 or > MergeQueueConfigRules.MaxTimeoutMinutes * 60
            ? $"pipeline_timeout_seconds must be 1 to {MergeQueueConfigRules.MaxTimeoutMinutes * 60}"
        : null;
}
