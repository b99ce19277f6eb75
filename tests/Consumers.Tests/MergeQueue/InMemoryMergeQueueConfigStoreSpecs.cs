using GitLabBus.Consumers.MergeQueue;
using GitLabBus.Tests.TestSupport.Specifications;

namespace GitLabBus.Tests.Consumers.MergeQueue;

public sealed class InMemoryMergeQueueConfigStoreSpecs : MergeQueueConfigStoreSpecification
{
    protected override IMergeQueueConfigStore Store { get; } = new InMemoryMergeQueueConfigStore();
}
