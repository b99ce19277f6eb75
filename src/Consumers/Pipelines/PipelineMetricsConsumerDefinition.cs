using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

public sealed class PipelineMetricsConsumerDefinition : ConsumerDefinition<PipelineMetricsConsumer>
{
    public PipelineMetricsConsumerDefinition() => EndpointName = "pipeline-metrics";
}
