using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeQueueLookupConsumerDefinition : ConsumerDefinition<MergeQueueLookupConsumer>
{
    public MergeQueueLookupConsumerDefinition() => EndpointName = "merge-queue-lookup";
}
