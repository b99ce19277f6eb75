using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeQueueNoticeConsumerDefinition : ConsumerDefinition<MergeQueueNoticeConsumer>
{
    public MergeQueueNoticeConsumerDefinition() => EndpointName = "merge-queue-notices";
}
