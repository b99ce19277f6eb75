using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Sagas.Inspection;
using MassTransit;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Pipelines;

/// <summary>
/// <c>tracked_state</c> for the gateway's pipeline reads: the monitor's instance (as stored, or as last journalled once it
/// is gone) projected onto <see cref="PipelineTracking"/>. The projection is typed against the saga's own instance, so a
/// renamed field breaks the build here instead of emptying the answer.
/// </summary>
public sealed class PipelineTrackingConsumer(SagaInspector inspector) : IConsumer<PipelineTrackingQuery>
{
    public async Task Consume(ConsumeContext<PipelineTrackingQuery> context)
    {
        var correlationId = PipelineCorrelation.For(context.Message.ProjectId, context.Message.PipelineId, context.Message.OrgId);
        var view = inspector.Knows(PipelineMonitorStateMachine.SagaName)
            ? await inspector.GetStateAsync(PipelineMonitorStateMachine.SagaName, correlationId, context.CancellationToken)
            : null;
        if (view?.Instance.Deserialize<PipelineMonitorState>(SystemTextJsonMessageSerializer.Options) is not { } monitor)
        {
            await context.RespondAsync(SagaInspectionConsumer.NoInstance(PipelineMonitorStateMachine.SagaName, correlationId));
            return;
        }

        await context.RespondAsync(Project(monitor, view.State));
    }

    public static PipelineTracking Project(PipelineMonitorState monitor, string state) =>
        new(
            monitor.Outcome ?? monitor.Status,
            state,
            monitor.CorrelationId,
            [
                .. monitor
                    .Jobs.OrderBy(job => job.Id)
                    .Select(job => new TrackedPipelineJob(
                        job.Id,
                        job.Name,
                        job.Stage,
                        job.Status,
                        job.AllowFailure,
                        job.FailureReason,
                        job.StartedAt,
                        job.FinishedAt,
                        job.DurationSeconds
                    )),
            ],
            [.. monitor.Downstream.Select(downstream => downstream.ToContract())],
            monitor.Outcome is null ? null : monitor.FinishedAt,
            monitor.WebhookUpdates,
            monitor.Polls
        );
}
