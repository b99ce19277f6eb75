using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeQueueMetricsConsumerDefinition : ConsumerDefinition<MergeQueueMetricsConsumer>
{
    public MergeQueueMetricsConsumerDefinition() => EndpointName = "merge-queue-metrics";
}
