using System.Collections.Concurrent;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.Backlog;

/// <summary>The ledger of embedded mode: the same rules as in Redis, in this process, expiring by the injected clock.</summary>
public sealed class InMemoryBacklogApplyLedger(BacklogApplySettings settings, TimeProvider time) : IBacklogApplyLedger
{
    private readonly ConcurrentDictionary<BacklogApplyKey, Entry> _entries = new();

    public Task<BacklogApplyClaim> ClaimAsync(BacklogApplyKey key, string operationId, TimeSpan hold, CancellationToken cancellationToken)
    {
        var entry = Live(key);
        var now = time.GetUtcNow();
        var until = now + hold;
        lock (entry)
        {
            if (entry.OperationId is null || entry.ClaimedUntil <= now)
            {
                (entry.OperationId, entry.Response, entry.ClaimedUntil) = (operationId, null, until);
            }
            else if (entry.OperationId == operationId && entry.ClaimedUntil < until)
            {
                entry.ClaimedUntil = until;
            }

            return Task.FromResult(new BacklogApplyClaim(entry.OperationId, entry.Response));
        }
    }

    public Task ReleaseAsync(BacklogApplyKey key, string operationId, CancellationToken cancellationToken)
    {
        var entry = Live(key);
        lock (entry)
        {
            if (entry.OperationId == operationId)
            {
                (entry.OperationId, entry.Response) = (null, null);
            }
        }

        return Task.CompletedTask;
    }

    public Task CompleteAsync(BacklogApplyKey key, BacklogApplied response, CancellationToken cancellationToken)
    {
        var entry = Live(key);
        lock (entry)
        {
            entry.Response = response;
        }

        return Task.CompletedTask;
    }

    public Task<long> BeginStepAsync(BacklogApplyKey key, string scope, CancellationToken cancellationToken) =>
        Task.FromResult(Live(key).Attempts.AddOrUpdate(scope, 1, (_, count) => count + 1));

    public Task<IReadOnlyDictionary<int, BacklogItemRecord>> ItemsAsync(
        BacklogApplyKey key,
        string scope,
        CancellationToken cancellationToken
    ) => Task.FromResult<IReadOnlyDictionary<int, BacklogItemRecord>>(new Dictionary<int, BacklogItemRecord>(Live(key).Items(scope)));

    public Task RecordAsync(
        BacklogApplyKey key,
        string scope,
        IReadOnlyList<BacklogItemRecord> records,
        CancellationToken cancellationToken
    )
    {
        var items = Live(key).Items(scope);
        foreach (var record in records)
        {
            items[record.InputIndex] = record;
        }

        return Task.CompletedTask;
    }

    /// <summary>The key's entry, a fresh one once the old one outlived the idempotency window.</summary>
    private Entry Live(BacklogApplyKey key)
    {
        var now = time.GetUtcNow();
        return _entries.AddOrUpdate(
            key,
            _ => new Entry(now + settings.IdempotencyTtl),
            (_, existing) => existing.ExpiresAt > now ? existing : new Entry(now + settings.IdempotencyTtl)
        );
    }

    private sealed class Entry(DateTimeOffset expiresAt)
    {
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, BacklogItemRecord>> _items = new();

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public string? OperationId { get; set; }

        public BacklogApplied? Response { get; set; }

        public DateTimeOffset ClaimedUntil { get; set; }

        public ConcurrentDictionary<string, long> Attempts { get; } = new();

        public ConcurrentDictionary<int, BacklogItemRecord> Items(string scope) => _items.GetOrAdd(scope, _ => new());
    }
}
