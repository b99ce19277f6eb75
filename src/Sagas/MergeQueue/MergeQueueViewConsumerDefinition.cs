using MassTransit;

namespace GitLabBus.Sagas.MergeQueue;

public sealed class MergeQueueViewConsumerDefinition : ConsumerDefinition<MergeQueueViewConsumer>
{
    public MergeQueueViewConsumerDefinition() => EndpointName = "merge-queue-view";
}
