using MassTransit;

namespace GitLabBus.Sagas.Pipelines;

public sealed class PipelineTrackingConsumerDefinition : ConsumerDefinition<PipelineTrackingConsumer>
{
    public PipelineTrackingConsumerDefinition() => EndpointName = "pipeline-tracking";
}
