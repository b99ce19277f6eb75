using GitLabBus.Sagas.Journal;
using MassTransit;
using StackExchange.Redis;

namespace GitLabBus.Sagas.Persistence;

/// <summary>
/// One consume's view of a saga type in Redis. An instance is a hash (<c>v</c> = version, <c>data</c> = JSON).
/// Every write is one Lua script, so nothing is lost between replicas: inserts only when absent, updates and
/// deletes only when the stored version is the one that was loaded (compare-and-set). A lost race throws
/// <see cref="ConcurrencyException"/>; the endpoint's retry reloads the instance and applies the message again.
/// The same script appends the message's journal entry, so only committed messages are journalled, each once.
/// </summary>
public sealed class RedisSagaStore<TSaga>(IDatabase database, RedisSagaRepositoryOptions<TSaga> options, TimeProvider? time = null)
    : IAsyncDisposable
    where TSaga : class, ISagaVersion
{
    /// <summary>The journal entry, written by each instance write's own script so it commits with it (none when empty).</summary>
    private const string AppendJournalEntry = """
        if @entry ~= '' then
          redis.call('XADD', @journalKey, 'MAXLEN', '~', @journalMax, '*', 'entry', @entry)
          redis.call('PEXPIRE', @journalKey, @journalTtlMs)
        end
        """;

    private static readonly LuaScript InsertIfAbsent = LuaScript.Prepare(
        $$"""
        if redis.call('EXISTS', @key) == 1 then return 0 end
        redis.call('HSET', @key, 'v', @version, 'data', @data)
        {{AppendJournalEntry}}
        return 1
        """
    );

    private static readonly LuaScript CompareAndSet = LuaScript.Prepare(
        $$"""
        local current = redis.call('HGET', @key, 'v')
        if not current then return -1 end
        if current ~= @expected then return 0 end
        redis.call('HSET', @key, 'v', @version, 'data', @data)
        {{AppendJournalEntry}}
        return 1
        """
    );

    private static readonly LuaScript CompareAndFinish = LuaScript.Prepare(
        $$"""
        local current = redis.call('HGET', @key, 'v')
        if not current then return -1 end
        if current ~= @expected then return 0 end
        if tonumber(@retentionMs) > 0 then redis.call('SET', @finishedKey, @data, 'PX', @retentionMs) end
        redis.call('DEL', @key)
        {{AppendJournalEntry}}
        return 1
        """
    );

    private static readonly LuaScript ReleaseLock = LuaScript.Prepare(
        """
        if redis.call('GET', @key) == @token then return redis.call('DEL', @key) end
        return 0
        """
    );

    private (RedisKey Key, string Token)? _lock;

    /// <summary>Stores a new instance; false when one with that correlation id already exists.</summary>
    /// <param name="journalEntry">The consumed message's journal entry as JSON, empty when there is none to write.</param>
    public async Task<bool> TryInsertAsync(IObjectDeserializer serializer, TSaga instance, string journalEntry = "")
    {
        instance.Version = 1;
        var inserted = (int)await database.ScriptEvaluateAsync(InsertIfAbsent, Arguments(serializer, instance, journalEntry, expected: 0));
        return inserted == 1;
    }

    /// <summary>Stores a new instance created by this consume; losing the race to another replica is a concurrency conflict.</summary>
    public async Task AddAsync(IObjectDeserializer serializer, TSaga instance, string journalEntry = "")
    {
        if (!await TryInsertAsync(serializer, instance, journalEntry))
        {
            throw new ConcurrencyException(
                $"{options.SagaName} {instance.CorrelationId} was created concurrently",
                typeof(TSaga),
                instance.CorrelationId
            );
        }
    }

    public async Task<TSaga?> LoadAsync(IObjectDeserializer serializer, Guid correlationId)
    {
        var fields = await database.HashGetAsync(options.InstanceKey(correlationId), ["v", "data"]);
        if (fields[1].IsNullOrEmpty)
        {
            return null;
        }

        var instance = serializer.DeserializeObject<TSaga>((string)fields[1]!)!;
        instance.Version = (int)fields[0];
        return instance;
    }

    /// <summary>The copy kept after the instance finished, while <see cref="SagaRetentionSettings.FinishedRetention"/> lasts.</summary>
    public async Task<TSaga?> LoadFinishedAsync(IObjectDeserializer serializer, Guid correlationId)
    {
        var data = await database.StringGetAsync(options.FinishedKey(correlationId));
        return data.IsNullOrEmpty ? null : serializer.DeserializeObject<TSaga>((string)data!);
    }

    /// <summary>Writes the instance if nobody else wrote it since it was loaded.</summary>
    public async Task UpdateAsync(IObjectDeserializer serializer, TSaga instance, string journalEntry = "")
    {
        var expected = instance.Version;
        instance.Version = expected + 1;
        var result = (int)await database.ScriptEvaluateAsync(CompareAndSet, Arguments(serializer, instance, journalEntry, expected));
        ThrowOnConflict(result, instance, expected);
    }

    /// <summary>Removes a finished instance (keeping a read-only copy for <see cref="SagaRetentionSettings.FinishedRetention"/>).</summary>
    public async Task FinishAsync(IObjectDeserializer serializer, TSaga instance, string journalEntry = "")
    {
        var expected = instance.Version;
        var result = (int)await database.ScriptEvaluateAsync(CompareAndFinish, Arguments(serializer, instance, journalEntry, expected));
        ThrowOnConflict(result, instance, expected);
    }

    /// <summary>What the three write scripts read; each uses the names it needs.</summary>
    private SagaWriteArguments Arguments(IObjectDeserializer serializer, TSaga instance, string journalEntry, int expected) =>
        new(
            options.InstanceKey(instance.CorrelationId),
            options.FinishedKey(instance.CorrelationId),
            options.JournalKey(instance.CorrelationId),
            expected.ToString(System.Globalization.CultureInfo.InvariantCulture),
            instance.Version,
            serializer.SerializeObject(instance).GetString(),
            (long)options.Retention.FinishedRetention.TotalMilliseconds,
            journalEntry,
            options.Retention.JournalMaxEntries,
            (long)options.Retention.JournalRetention.TotalMilliseconds
        );

    /// <summary>Pessimistic mode: waits for the instance's lock (up to the lock timeout) and holds it until disposed.</summary>
    public async Task LockAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        var key = (RedisKey)options.LockKey(correlationId);
        var token = Guid.NewGuid().ToString("N");
        var clock = time ?? TimeProvider.System;
        var deadline = clock.GetUtcNow() + options.EffectiveLockTimeout;
        var pause = TimeSpan.FromMilliseconds(5);
        while (!await database.StringSetAsync(key, token, options.EffectiveLockTimeout, When.NotExists))
        {
            if (clock.GetUtcNow() >= deadline)
            {
                throw new ConcurrencyException(
                    $"{options.SagaName} {correlationId} stayed locked for {options.EffectiveLockTimeout}",
                    typeof(TSaga),
                    correlationId
                );
            }

            await Task.Delay(pause + TimeSpan.FromMilliseconds(Random.Shared.Next(5)), clock, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }

        _lock = (key, token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lock is { } held)
        {
            _lock = null;
            await database.ScriptEvaluateAsync(ReleaseLock, new { key = held.Key, token = held.Token });
        }
    }

    private void ThrowOnConflict(int result, TSaga instance, int expected)
    {
        if (result == 1)
        {
            return;
        }

        instance.Version = expected;
        var reason = result == 0 ? "was changed by another consumer" : "no longer exists";
        throw new ConcurrencyException(
            $"{options.SagaName} {instance.CorrelationId} {reason} (loaded version {expected})",
            typeof(TSaga),
            instance.CorrelationId
        );
    }
}

/// <summary>Parameters of <see cref="RedisSagaStore{TSaga}"/>'s scripts, by the names the scripts use.</summary>
internal sealed record SagaWriteArguments(
    RedisKey key,
    RedisKey finishedKey,
    RedisKey journalKey,
    string expected,
    int version,
    string data,
    long retentionMs,
    string entry,
    int journalMax,
    long journalTtlMs
);
