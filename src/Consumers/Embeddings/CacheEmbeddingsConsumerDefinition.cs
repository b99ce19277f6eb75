using MassTransit;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>One run per project at a time is plenty: each is long, and runs its own batches concurrently.</summary>
public sealed class CacheEmbeddingsConsumerDefinition : ConsumerDefinition<CacheEmbeddingsConsumer>
{
    public CacheEmbeddingsConsumerDefinition()
    {
        EndpointName = "cache-embeddings";
        ConcurrentMessageLimit = 2;
    }
}
