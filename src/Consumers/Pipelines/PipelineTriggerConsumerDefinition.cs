using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

public sealed class PipelineTriggerConsumerDefinition : ConsumerDefinition<PipelineTriggerConsumer>
{
    public PipelineTriggerConsumerDefinition() => EndpointName = "pipeline-trigger";
}
