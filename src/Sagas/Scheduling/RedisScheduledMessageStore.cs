using System.Text.Json;
using StackExchange.Redis;

namespace GitLabBus.Sagas.Scheduling;

/// <summary>
/// <c>gitlabbus:{scheduler}:due</c> (sorted set: token id by due time), <c>gitlabbus:{scheduler}:claimed</c> (sorted
/// set: token id by lease end) and <c>gitlabbus:{scheduler}:message:{token}</c> (the message). Claiming moves ids
/// from due to claimed in one Lua script, so two replicas never take the same message. The hash tag <c>{scheduler}</c>
/// puts all of them in one slot of a Redis Cluster, as that script needs: one master holds the schedule, which is small
/// (a message per pending timeout or poll) and costs a few commands per message.
/// </summary>
public sealed class RedisScheduledMessageStore(IConnectionMultiplexer redis) : IScheduledMessageStore
{
    private const string DueKey = "gitlabbus:{scheduler}:due";
    private const string ClaimedKey = "gitlabbus:{scheduler}:claimed";
    private const string MessagePrefix = "gitlabbus:{scheduler}:message:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly LuaScript Schedule = LuaScript.Prepare(
        """
        redis.call('SET', @messageKey, @message)
        redis.call('ZREM', @claimedKey, @token)
        redis.call('ZADD', @dueKey, @dueMs, @token)
        return 1
        """
    );

    private static readonly LuaScript Cancel = LuaScript.Prepare(
        """
        local removed = redis.call('ZREM', @dueKey, @token) + redis.call('ZREM', @claimedKey, @token)
        redis.call('DEL', @messageKey)
        return removed
        """
    );

    // Expired leases first (their replica died), then what is due; both move to claimed with a fresh lease.
    private static readonly LuaScript Claim = LuaScript.Prepare(
        """
        local expired = redis.call('ZRANGEBYSCORE', @claimedKey, '-inf', @nowMs, 'LIMIT', 0, @max)
        for _, token in ipairs(expired) do
          redis.call('ZREM', @claimedKey, token)
          redis.call('ZADD', @dueKey, @nowMs, token)
        end
        local due = redis.call('ZRANGEBYSCORE', @dueKey, '-inf', @nowMs, 'LIMIT', 0, @max)
        local claimed = {}
        for _, token in ipairs(due) do
          redis.call('ZREM', @dueKey, token)
          local message = redis.call('GET', @messagePrefix .. token)
          if message then
            redis.call('ZADD', @claimedKey, @leaseMs, token)
            table.insert(claimed, message)
          end
        end
        return claimed
        """
    );

    private static readonly LuaScript Complete = LuaScript.Prepare(
        """
        redis.call('ZREM', @claimedKey, @token)
        redis.call('DEL', @messageKey)
        return 1
        """
    );

    private IDatabase Db => redis.GetDatabase();

    public Task ScheduleAsync(ScheduledMessage message, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(
            Schedule,
            new
            {
                messageKey = MessageKey(message.TokenId),
                message = JsonSerializer.Serialize(message, Json),
                claimedKey = (RedisKey)ClaimedKey,
                dueKey = (RedisKey)DueKey,
                dueMs = message.DueAt.ToUnixTimeMilliseconds(),
                token = message.TokenId.ToString("N"),
            }
        );

    public async Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken) =>
        (int)
            await Db.ScriptEvaluateAsync(
                Cancel,
                new
                {
                    dueKey = (RedisKey)DueKey,
                    claimedKey = (RedisKey)ClaimedKey,
                    messageKey = MessageKey(tokenId),
                    token = tokenId.ToString("N"),
                }
            ) > 0;

    public async Task<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(
        DateTimeOffset now,
        int max,
        TimeSpan lease,
        CancellationToken cancellationToken
    )
    {
        var result = await Db.ScriptEvaluateAsync(
            Claim,
            new
            {
                claimedKey = (RedisKey)ClaimedKey,
                dueKey = (RedisKey)DueKey,
                nowMs = now.ToUnixTimeMilliseconds(),
                leaseMs = (now + lease).ToUnixTimeMilliseconds(),
                max,
                messagePrefix = MessagePrefix,
            }
        );
        return ((RedisResult[])result!).Select(r => JsonSerializer.Deserialize<ScheduledMessage>((string)r!, Json)!).ToList();
    }

    public Task CompleteAsync(Guid tokenId, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(
            Complete,
            new
            {
                claimedKey = (RedisKey)ClaimedKey,
                messageKey = MessageKey(tokenId),
                token = tokenId.ToString("N"),
            }
        );

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var batch = Db.CreateBatch();
        var due = batch.SortedSetLengthAsync(DueKey);
        var claimed = batch.SortedSetLengthAsync(ClaimedKey);
        batch.Execute();
        return await due + await claimed;
    }

    private static RedisKey MessageKey(Guid tokenId) => MessagePrefix + tokenId.ToString("N");
}
