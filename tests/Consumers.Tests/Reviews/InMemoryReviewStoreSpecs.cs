using GitLabBus.Consumers.Reviews;
using GitLabBus.Tests.TestSupport.Specifications;

namespace GitLabBus.Tests.Consumers.Reviews;

public sealed class InMemoryReviewStoreSpecs : ReviewStoreSpecification
{
    protected override IReviewStore Store { get; } = new InMemoryReviewStore();
}
