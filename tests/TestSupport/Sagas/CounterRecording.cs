using GitLabBus.Sagas.Journal;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit;

namespace GitLabBus.Tests.TestSupport.Sagas;

/// <summary>Drives a counter saga one message at a time, waiting for each to be journalled, so its journal's order is known.</summary>
public static class CounterRecording
{
    public const string Saga = "counter";

    /// <summary>Counts <paramref name="increments"/> times, then closes the saga if asked; returns its correlation id.</summary>
    public static async Task<Guid> RecordAsync(
        IPublishEndpoint bus,
        ISagaJournal journal,
        int increments,
        bool close = true,
        Guid? id = null
    )
    {
        var correlationId = id ?? NewId.NextGuid();
        var recorded = (await journal.ReadAsync(Saga, correlationId, CancellationToken.None)).Count;
        for (var sequence = 1; sequence <= increments; sequence++)
        {
            await bus.Publish(new CounterIncremented(correlationId, sequence));
            await JournalledAsync(journal, correlationId, ++recorded);
        }

        if (close)
        {
            await bus.Publish(new CounterClosed(correlationId));
            await JournalledAsync(journal, correlationId, ++recorded);
        }

        return correlationId;
    }

    private static async Task JournalledAsync(ISagaJournal journal, Guid id, int entries) =>
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () => (await journal.ReadAsync(Saga, id, CancellationToken.None)).Count >= entries)
        );
}
