using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>Counts every monitored pipeline that ended, and its jobs, once (whichever replica consumes the event).</summary>
public sealed class PipelineMetricsConsumer(PipelineTelemetry telemetry) : IConsumer<PipelineFinished>
{
    public Task Consume(ConsumeContext<PipelineFinished> context)
    {
        telemetry.Finished(context.Message);
        return Task.CompletedTask;
    }
}
