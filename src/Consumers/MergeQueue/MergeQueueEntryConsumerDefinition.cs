using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeQueueEntryConsumerDefinition : ConsumerDefinition<MergeQueueEntryConsumer>
{
    public MergeQueueEntryConsumerDefinition() => EndpointName = "merge-queue-entry";
}
