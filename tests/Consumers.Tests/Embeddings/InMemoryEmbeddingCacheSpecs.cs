using GitLabBus.Consumers.Embeddings;
using GitLabBus.Tests.TestSupport.Specifications;

namespace GitLabBus.Tests.Consumers.Embeddings;

public sealed class InMemoryEmbeddingCacheSpecs : EmbeddingCacheSpecification
{
    protected override IEmbeddingCache Cache { get; } = new InMemoryEmbeddingCache();
}
