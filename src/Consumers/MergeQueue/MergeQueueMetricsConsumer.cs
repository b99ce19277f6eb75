using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>The queue's events counted once each (whichever replica consumes them) into <see cref="MergeQueueTelemetry"/>.</summary>
public sealed class MergeQueueMetricsConsumer(MergeQueueTelemetry telemetry)
    : IConsumer<MrQueued>,
        IConsumer<MergeBatchStarted>,
        IConsumer<MergeBatchTesting>,
        IConsumer<MergeBatchFinished>,
        IConsumer<MrMerged>,
        IConsumer<MrRejected>
{
    public Task Consume(ConsumeContext<MrQueued> context) =>
        Done(() =>
            telemetry.Depth(
                new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
                context.Message.TargetBranch,
                context.Message.Depth
            )
        );

    public Task Consume(ConsumeContext<MergeBatchStarted> context) =>
        Done(() =>
            telemetry.Depth(
                new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
                context.Message.TargetBranch,
                context.Message.Depth
            )
        );

    public Task Consume(ConsumeContext<MergeBatchTesting> context) => Done(() => telemetry.Testing(context.Message));

    public Task Consume(ConsumeContext<MergeBatchFinished> context) => Done(() => telemetry.Finished(context.Message));

    public Task Consume(ConsumeContext<MrMerged> context) => Done(() => telemetry.Merged(context.Message));

    public Task Consume(ConsumeContext<MrRejected> context) => Done(() => telemetry.Rejected(context.Message));

    private static Task Done(Action record)
    {
        record();
        return Task.CompletedTask;
    }
}
