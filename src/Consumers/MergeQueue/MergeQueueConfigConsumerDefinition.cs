using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeQueueConfigConsumerDefinition : ConsumerDefinition<MergeQueueConfigConsumer>
{
    public MergeQueueConfigConsumerDefinition() => EndpointName = "merge-queue-config";
}
