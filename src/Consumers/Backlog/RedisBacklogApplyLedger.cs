using System.Text.Json;
using GitLabBus.Contracts;
using StackExchange.Redis;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// Redis layout, everything expiring after <c>IDEMPOTENCY_TTL_SECONDS</c>: <c>gitlabbus:backlog:apply:{project}:{prompt}</c>
/// is a hash (<c>operation_id</c>, <c>response</c>); <c>…:items:{scope}</c> a hash of item records by input index;
/// <c>…:attempts</c> a hash of step starts by scope. Item records are written a batch at a time, without waiting for one another.
/// </summary>
public sealed class RedisBacklogApplyLedger(IConnectionMultiplexer redis, BacklogApplySettings settings) : IBacklogApplyLedger
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly LuaScript Claim = LuaScript.Prepare(
        """
        local holder = redis.call('HGET', @key, 'operation_id')
        if not holder then
          redis.call('HSET', @key, 'operation_id', @operationId)
          redis.call('PEXPIRE', @key, @holdMs)
          return { @operationId, false }
        end
        if holder == @operationId and redis.call('PTTL', @key) < tonumber(@holdMs) then redis.call('PEXPIRE', @key, @holdMs) end
        return { holder, redis.call('HGET', @key, 'response') }
        """
    );

    private static readonly LuaScript Release = LuaScript.Prepare(
        """
        if redis.call('HGET', @key, 'operation_id') == @operationId then redis.call('DEL', @key) end
        return true
        """
    );

    private IDatabase Db => redis.GetDatabase();

    public async Task<BacklogApplyClaim> ClaimAsync(
        BacklogApplyKey key,
        string operationId,
        TimeSpan hold,
        CancellationToken cancellationToken
    )
    {
        var result = (RedisResult[])
            (
                await Db.ScriptEvaluateAsync(
                    Claim,
                    new
                    {
                        key = (RedisKey)key.RedisKey,
                        operationId,
                        holdMs = (long)hold.TotalMilliseconds,
                    }
                )
            )!;
        var response = result[1].IsNull ? null : JsonSerializer.Deserialize<BacklogApplied>((string)result[1]!, Json);
        return new BacklogApplyClaim((string)result[0]!, response);
    }

    public Task ReleaseAsync(BacklogApplyKey key, string operationId, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(Release, new { key = (RedisKey)key.RedisKey, operationId });

    public Task CompleteAsync(BacklogApplyKey key, BacklogApplied response, CancellationToken cancellationToken) =>
        Db.HashSetAsync(key.RedisKey, "response", JsonSerializer.Serialize(response, Json));

    public async Task<long> BeginStepAsync(BacklogApplyKey key, string scope, CancellationToken cancellationToken)
    {
        var attempts = $"{key.RedisKey}:attempts";
        var batch = Db.CreateBatch();
        var count = batch.HashIncrementAsync(attempts, scope);
        var expire = batch.KeyExpireAsync(attempts, settings.IdempotencyTtl);
        batch.Execute();
        await expire;
        return await count;
    }

    public async Task<IReadOnlyDictionary<int, BacklogItemRecord>> ItemsAsync(
        BacklogApplyKey key,
        string scope,
        CancellationToken cancellationToken
    )
    {
        var entries = await Db.HashGetAllAsync(ItemsKey(key, scope));
        return entries.ToDictionary(
            entry => (int)entry.Name,
            entry => JsonSerializer.Deserialize<BacklogItemRecord>((string)entry.Value!, Json)!
        );
    }

    public Task RecordAsync(
        BacklogApplyKey key,
        string scope,
        IReadOnlyList<BacklogItemRecord> records,
        CancellationToken cancellationToken
    )
    {
        var items = ItemsKey(key, scope);
        var batch = Db.CreateBatch();
        var write = batch.HashSetAsync(
            items,
            [.. records.Select(record => new HashEntry(record.InputIndex, JsonSerializer.Serialize(record, Json)))]
        );
        var expire = batch.KeyExpireAsync(items, settings.IdempotencyTtl);
        batch.Execute();
        return Task.WhenAll(write, expire);
    }

    private static string ItemsKey(BacklogApplyKey key, string scope) => $"{key.RedisKey}:items:{scope}";
}
