using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>A raw <c>MrReadyForBatch</c> from another system that breaks the contract ends in <c>_error</c> with the reason.</summary>
public sealed class MrReadyForBatchMessageRules : IMessageRules<MrReadyForBatch>
{
    public string? Problem(MrReadyForBatch message) => MrReadyForBatchRules.Problem(message);
}

/// <summary>The batch steps' commands: a batch of a project and a valid target, numbered from 1; a land names what it lands.</summary>
public sealed class MergeBatchStepRules
    : IMessageRules<MergeBatchBuildRequested>,
        IMessageRules<MergeBatchLandRequested>,
        IMessageRules<MergeBatchCleanUpRequested>
{
    public string? Problem(MergeBatchBuildRequested message) =>
        Batch(message.BatchId, message.ProjectId, message.TargetBranch, message.Number)
        ?? (
            message.BaseSha.Length == 0 ? "base_sha is required"
            : message.Candidates is not { Count: > 0 and <= MergeQueueConfigRules.MaxBatchSize }
                ? $"1 to {MergeQueueConfigRules.MaxBatchSize} candidates"
            : message.Candidates.Any(candidate => candidate is null || candidate.Iid <= 0 || candidate.HeadSha.Length == 0)
                ? "every candidate needs an iid and a head sha"
            : null
        );

    public string? Problem(MergeBatchLandRequested message) =>
        Batch(message.BatchId, message.ProjectId, message.TargetBranch, message.Number)
        ?? (message.HeadSha.Length == 0 || message.MergeRequestIid <= 0 ? "head_sha and merge_request_iid are required" : null);

    public string? Problem(MergeBatchCleanUpRequested message) =>
        Batch(message.BatchId, message.ProjectId, message.TargetBranch, message.Number);

    private static string? Batch(Guid batchId, long projectId, string target, long number) =>
        batchId == Guid.Empty ? "batch_id is required"
        : projectId <= 0 ? "project_id must be a positive GitLab project id"
        : PipelineTriggerRules.RefProblem(target) is { } problem ? $"target_branch: {problem}"
        : number <= 0 ? "number must be positive"
        : null;
}
