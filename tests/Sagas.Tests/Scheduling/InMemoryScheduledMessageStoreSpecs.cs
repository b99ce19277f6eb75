using GitLabBus.Sagas.Scheduling;
using GitLabBus.Tests.TestSupport.Specifications;

namespace GitLabBus.Tests.Sagas.Scheduling;

public sealed class InMemoryScheduledMessageStoreSpecs : ScheduledMessageStoreSpecification
{
    protected override Task<IScheduledMessageStore> CreateAsync() =>
        Task.FromResult<IScheduledMessageStore>(new InMemoryScheduledMessageStore());
}
