using MassTransit;

namespace GitLabBus.Consumers.Embeddings;

public sealed class SimilarWorkItemsConsumerDefinition : ConsumerDefinition<SimilarWorkItemsConsumer>
{
    public SimilarWorkItemsConsumerDefinition() => EndpointName = "backlog-similar";
}
