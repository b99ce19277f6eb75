using GitLabBus.Runtime.Embeddings;

namespace GitLabBus.Tests.Runtime.Embeddings;

public sealed class InMemoryEmbeddingCacheSpecs : EmbeddingCacheSpecification
{
    protected override IEmbeddingCache Cache { get; } = new InMemoryEmbeddingCache();
}
