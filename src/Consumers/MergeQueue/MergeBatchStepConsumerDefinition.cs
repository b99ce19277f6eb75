using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

public sealed class MergeBatchStepConsumerDefinition : ConsumerDefinition<MergeBatchStepConsumer>
{
    public MergeBatchStepConsumerDefinition() => EndpointName = "merge-batch-steps";
}
