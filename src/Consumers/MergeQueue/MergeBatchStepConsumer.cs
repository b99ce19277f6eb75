using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Jobs;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// The <c>merge-batch</c> saga's hands in GitLab (<see cref="MergeBatchWorkspace"/>): build a batch and start its pipeline
/// (followed by the pipeline monitor), land it, clean up after it. One step of a batch runs at a time (a lease across
/// deliveries and replicas) and each finds what an earlier delivery made, so a duplicate or a redelivery answers the same
/// without writing twice. GitLab unreachable is thrown (the message comes back later); a refusal of the building is
/// answered with its reason.
/// </summary>
public sealed class MergeBatchStepConsumer(
    GitLabClients gitlab,
    IJobLease leases,
    MergeQueueSettings settings,
    TimeProvider time,
    ILogger<MergeBatchStepConsumer> logger
) : IConsumer<MergeBatchBuildRequested>, IConsumer<MergeBatchLandRequested>, IConsumer<MergeBatchCleanUpRequested>
{
    public async Task Consume(ConsumeContext<MergeBatchBuildRequested> context)
    {
        var request = context.Message;
        var (built, monitor) = await InLeaseAsync(
            request.BatchId,
            request.OrgId,
            workspace => BuildAsync(workspace, request, context.CancellationToken),
            context.CancellationToken
        );
        if (monitor is not null)
        {
            await context.Publish(monitor, context.CancellationToken);
        }

        await context.Publish(built, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<MergeBatchLandRequested> context)
    {
        var request = context.Message;
        var plan = new BatchPlan(request.ProjectId, request.TargetBranch, request.Number, "", []);
        var built = new BuiltBatch(plan.Branch, request.HeadSha, request.MergeRequestIid, request.Included, []);
        var landing = await InLeaseAsync(
            request.BatchId,
            request.OrgId,
            workspace => workspace.LandAsync(plan, built, context.CancellationToken),
            context.CancellationToken
        );
        logger.LogInformation(
            "Batch {BatchNumber} of {Target}: {Outcome} at {TargetSha}",
            request.Number,
            request.TargetBranch,
            landing.Outcome,
            landing.TargetSha
        );
        await context.Publish(
            new MergeBatchLanded
            {
                BatchId = request.BatchId,
                Outcome = landing.Outcome,
                TargetSha = landing.TargetSha,
                Merged = landing.Merged,
                Detail = landing.Detail,
            },
            context.CancellationToken
        );
    }

    public async Task Consume(ConsumeContext<MergeBatchCleanUpRequested> context)
    {
        var request = context.Message;
        var plan = new BatchPlan(request.ProjectId, request.TargetBranch, request.Number, "", []);
        await InLeaseAsync(
            request.BatchId,
            request.OrgId,
            async workspace =>
            {
                await workspace.CleanUpAsync(plan, context.CancellationToken);
                return true;
            },
            context.CancellationToken
        );
        await context.Publish(new MergeBatchCleanedUp { BatchId = request.BatchId, At = time.GetUtcNow() }, context.CancellationToken);
    }

    private async Task<(MergeBatchBuilt Built, PipelineMonitoringRequested? Monitor)> BuildAsync(
        MergeBatchWorkspace workspace,
        MergeBatchBuildRequested request,
        CancellationToken cancellationToken
    )
    {
        var plan = new BatchPlan(request.ProjectId, request.TargetBranch, request.Number, request.BaseSha, request.Candidates);
        try
        {
            var built = await workspace.BuildAsync(plan, cancellationToken);
            var pipeline = built.MergeRequestIid is null
                ? null
                : await workspace.StartPipelineAsync(request.ProjectId, built, cancellationToken);
            logger.LogInformation(
                "Batch {BatchNumber} of {Target} built at {HeadSha}: {Included} in, {Excluded} out, pipeline {PipelineId}",
                request.Number,
                request.TargetBranch,
                built.HeadSha,
                built.Included.Count,
                built.Excluded.Count,
                pipeline?.Id
            );
            var answer = new MergeBatchBuilt
            {
                BatchId = request.BatchId,
                Branch = built.Branch,
                HeadSha = built.HeadSha,
                MergeRequestIid = built.MergeRequestIid,
                Included = built.Included,
                Excluded = built.Excluded,
                PipelineId = pipeline?.Id,
                PipelineUrl = pipeline?.WebUrl,
                BuiltAt = time.GetUtcNow(),
            };
            var monitor = pipeline is null
                ? null
                : new PipelineMonitoringRequested
                {
                    ProjectId = request.ProjectId,
                    PipelineId = pipeline.Id,
                    OrgId = request.OrgId,
                    Reason = "merge-batch",
                };
            return (answer, monitor);
        }
        catch (GitLabException refused) when (!refused.IsTransient)
        {
            logger.LogWarning(
                "Batch {BatchNumber} of {Target} could not be built: {Reason}",
                request.Number,
                request.TargetBranch,
                refused.GitLabMessage
            );
            return (
                new MergeBatchBuilt
                {
                    BatchId = request.BatchId,
                    Branch = plan.Branch,
                    Failure = refused.GitLabMessage,
                    BuiltAt = time.GetUtcNow(),
                },
                null
            );
        }
    }

    // The step under the batch's lease, which is released before the answer goes out: the next step, asked for on that
    // answer, never finds the lease still held by this one.
    // A batch id is its organisation's already (MergeQueueCorrelation.Batch), so the lease's name needs no scope of its own.
    private async Task<T> InLeaseAsync<T>(
        Guid batchId,
        string? orgId,
        Func<MergeBatchWorkspace, Task<T>> step,
        CancellationToken cancellationToken
    )
    {
        await using var lease = await StepLease.HoldAsync(leases, settings.StepLease, time, $"merge-batch:{batchId}", cancellationToken);
        return await step(new MergeBatchWorkspace(await gitlab.ForAsync(orgId, credentialRef: null, cancellationToken)));
    }
}
