using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeQueueAdmissionConsumerDefinition : ConsumerDefinition<MergeQueueAdmissionConsumer>
{
    public MergeQueueAdmissionConsumerDefinition() => EndpointName = "merge-queue-admission";
}
