using GitLabBus.Sagas.Persistence;
using StackExchange.Redis;

namespace GitLabBus.Sagas.Journal;

/// <summary>
/// One Redis stream per instance, <c>gitlabbus:saga:{saga:correlation-id}:journal</c> (see <see cref="SagaKeys"/>), field
/// <c>entry</c> = the entry as JSON. Most entries are added by the saga store's scripts together with the instance write
/// (<see cref="RedisSagaStore{TSaga}"/>); this appends the rest and reads.
/// </summary>
public sealed class RedisSagaJournal(IConnectionMultiplexer redis, SagaRetentionSettings settings) : ISagaJournal
{
    public const string EntryField = "entry";

    public async Task AppendAsync(string saga, Guid correlationId, SagaJournalEntry entry, CancellationToken cancellationToken)
    {
        var key = SagaKeys.Journal(saga, correlationId);
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.StreamAddAsync(
            key,
            EntryField,
            SagaJournalJson.Serialize(entry),
            maxLength: settings.JournalMaxEntries,
            useApproximateMaxLength: true
        );
        _ = batch.KeyExpireAsync(key, settings.JournalRetention);
        await batch.ExecuteAsync();
    }

    public async Task<IReadOnlyList<SagaJournalEntry>> ReadAsync(string saga, Guid correlationId, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(SagaKeys.Journal(saga, correlationId));
        return [.. entries.Select((entry, index) => SagaJournalJson.Deserialize((string)entry[EntryField]!, index + 1))];
    }
}
