using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>Requests a caller waits on get their own queue, so a burst of polls or triggers never delays them.</summary>
public sealed class PipelineApiConsumerDefinition : ConsumerDefinition<PipelineApiConsumer>
{
    public PipelineApiConsumerDefinition() => EndpointName = "pipeline-api";
}
