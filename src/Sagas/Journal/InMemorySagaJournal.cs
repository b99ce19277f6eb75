using System.Collections.Concurrent;

namespace GitLabBus.Sagas.Journal;

/// <summary>Embedded mode: journals in this process, dropped <see cref="SagaRetentionSettings.JournalRetention"/> after their last
/// entry.</summary>
public sealed class InMemorySagaJournal(SagaRetentionSettings settings, TimeProvider time) : ISagaJournal
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Saga, Guid Id), Journal> _journals = new();

    private long _nextSweepTicks;

    public Task AppendAsync(string saga, Guid correlationId, SagaJournalEntry entry, CancellationToken cancellationToken)
    {
        var json = SagaJournalJson.Serialize(entry);

        // A journal found here may be forgotten by a concurrent reader before this append takes its lock; appending
        // to it then would lose the entry, so take a live one again.
        while (true)
        {
            var journal = _journals.GetOrAdd((saga, correlationId), _ => new Journal(time.GetUtcNow() + settings.JournalRetention));
            lock (journal)
            {
                if (journal.Forgotten)
                {
                    continue;
                }

                journal.Entries.Add(json);
                if (journal.Entries.Count > settings.JournalMaxEntries)
                {
                    journal.Entries.RemoveAt(0);
                }

                journal.ExpiresAt = time.GetUtcNow() + settings.JournalRetention;
                break;
            }
        }

        ForgetExpired();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SagaJournalEntry>> ReadAsync(string saga, Guid correlationId, CancellationToken cancellationToken)
    {
        ForgetExpired();
        if (!_journals.TryGetValue((saga, correlationId), out var journal))
        {
            return Task.FromResult<IReadOnlyList<SagaJournalEntry>>([]);
        }

        lock (journal)
        {
            if (journal.ExpiresAt <= time.GetUtcNow())
            {
                return Task.FromResult<IReadOnlyList<SagaJournalEntry>>([]);
            }

            return Task.FromResult<IReadOnlyList<SagaJournalEntry>>([
                .. journal.Entries.Select((json, index) => SagaJournalJson.Deserialize(json, index + 1)),
            ]);
        }
    }

    /// <summary>Sweeps at most once per <see cref="SweepInterval"/>, so appends stay O(1) with many journals.</summary>
    private void ForgetExpired()
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (key, journal) in _journals)
        {
            lock (journal)
            {
                if (journal.ExpiresAt <= now)
                {
                    journal.Forgotten = true;
                    _journals.TryRemove(KeyValuePair.Create(key, journal));
                }
            }
        }
    }

    // Stored as JSON, as in Redis: an entry read back is a copy, never the live object a later consume changes.
    private sealed class Journal(DateTimeOffset expiresAt)
    {
        public List<string> Entries { get; } = [];

        public DateTimeOffset ExpiresAt { get; set; } = expiresAt;

        public bool Forgotten { get; set; }
    }
}
