using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport.Specifications;

namespace GitLabBus.Tests.Runtime.Operations;

public sealed class InMemoryOperationProgressSpecs : OperationProgressSpecification
{
    protected override Task<IOperationProgress> CreateAsync() =>
        Task.FromResult<IOperationProgress>(new InMemoryOperationProgress(TimeProvider.System));
}
