using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Sagas.Inspection;
using MassTransit;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// The queue and its history for the gateway, projected from the <c>merge-queue</c> instance (typed against it, so a renamed
/// field breaks the build instead of emptying the answer). A queue nothing ever entered answers empty.
/// </summary>
public sealed class MergeQueueViewConsumer(SagaInspector inspector) : IConsumer<MergeQueueViewQuery>, IConsumer<MergeQueueHistoryQuery>
{
    public async Task Consume(ConsumeContext<MergeQueueViewQuery> context)
    {
        var query = context.Message;
        var queue = await ReadAsync(query.ProjectId, query.TargetBranch, query.OrgId, context.CancellationToken);
        await context.RespondAsync(
            queue is null ? new MergeQueueView { ProjectId = query.ProjectId, TargetBranch = query.TargetBranch } : Project(queue)
        );
    }

    public async Task Consume(ConsumeContext<MergeQueueHistoryQuery> context)
    {
        var query = context.Message;
        var queue = await ReadAsync(query.ProjectId, query.TargetBranch, query.OrgId, context.CancellationToken);
        var items = (queue?.History ?? [])
            .Take(Math.Clamp(query.Limit, 1, MergeQueueState.HistoryLimit))
            .Select(item => new MergeQueueHistoryItem(
                item.Iid,
                item.Title,
                item.Outcome,
                item.Reason,
                item.BatchId,
                item.BatchNumber,
                item.Strikes,
                item.EnqueuedAt,
                item.At
            ));
        await context.RespondAsync(new MergeQueueHistory(query.ProjectId, query.TargetBranch, [.. items]));
    }

    public static MergeQueueView Project(MergeQueueState queue)
    {
        var bisecting = queue.Batches.Where(batch => batch.Bisecting).OrderBy(batch => batch.PrefixLength).ToList();
        return new MergeQueueView
        {
            ProjectId = queue.ProjectId,
            TargetBranch = queue.TargetBranch,
            Paused = queue.Paused,
            PausedReason = queue.HaltedReason,
            Entries =
            [
                .. MergeQueuePlanner
                    .InLandingOrder(queue.Entries.Select(entry => entry.AsQueued()))
                    .Select(order => queue.Entries.First(entry => entry.Iid == order.Iid))
                    .Select(entry =>
                    {
                        var batch =
                            queue.Batches.FirstOrDefault(each => each.BatchId == entry.BatchId)
                            ?? bisecting.FirstOrDefault(each => each.Members.Contains(entry.Iid));
                        var state =
                            batch?.State is QueueBatchStates.Passed or QueueBatchStates.Merging ? "merging"
                            : batch is not null || queue.IsSuspect(entry.Iid) ? "testing"
                            : "queued";
                        return new MergeQueueEntryView(
                            entry.Iid,
                            entry.Title,
                            entry.WebUrl,
                            entry.HeadSha,
                            entry.Priority,
                            state,
                            entry.Strikes,
                            entry.EnqueuedAt,
                            batch?.BatchId
                        );
                    }),
            ],
            Batches =
            [
                .. queue
                    .Batches.OrderBy(batch => batch.Number)
                    .Select(batch => new MergeQueueBatchView(
                        batch.BatchId,
                        batch.Number,
                        batch.State switch
                        {
                            QueueBatchStates.Passed => "merging",
                            QueueBatchStates.Testing when batch.Bisecting => "bisecting",
                            _ => batch.State,
                        },
                        batch.Members,
                        MergeQueueCorrelation.BatchBranch(queue.TargetBranch, batch.Number),
                        batch.MergeRequestIid,
                        batch.PipelineId,
                        batch.PipelineUrl,
                        batch.StartedAt
                    )),
            ],
        };
    }

    private async Task<MergeQueueState?> ReadAsync(long projectId, string targetBranch, string? orgId, CancellationToken cancellationToken)
    {
        var instance = await inspector.GetInstanceAsync(
            MergeQueueStateMachine.SagaName,
            MergeQueueCorrelation.Queue(projectId, targetBranch, orgId),
            cancellationToken
        );
        return instance?.Deserialize<MergeQueueState>(SystemTextJsonMessageSerializer.Options);
    }
}
