using GitLabBus.Sagas.Scheduling;

namespace GitLabBus.Tests.Sagas.Scheduling;

public sealed class InMemoryScheduledMessageStoreSpecs : ScheduledMessageStoreSpecification
{
    protected override Task<IScheduledMessageStore> CreateAsync() => Task.FromResult<IScheduledMessageStore>(new InMemoryScheduledMessageStore());
}
