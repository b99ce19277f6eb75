using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GitLabBus.Runtime.Settings;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>
/// Redis layout: <c>gitlabbus:{webhooks}:dedup:{sha256(key)}</c> holds <c>pending:{id}</c> while the publish is in
/// flight (short TTL, so a crashed gateway never blocks GitLab's retry) and <c>{id}</c> once confirmed;
/// <c>gitlabbus:{webhooks}:delivery:{id}</c> is a hash (<c>meta</c>, <c>payload</c>, <c>status</c>, <c>routed_to</c>);
/// <c>gitlabbus:{webhooks}:deliveries</c> is the log, a sorted set scored by receive time; <c>…:delivery-bytes</c> (id →
/// payload bytes kept) and <c>…:delivery-bytes-total</c> let a claim drop the oldest deliveries, hash and all, until the log
/// is within its count, age and bytes.
/// Each step is one round trip: the hot path costs two Redis calls. A claim checks the key, writes the delivery and trims
/// the log in one script, so the hash tag <c>{webhooks}</c> keeps all of it in one slot of a Redis Cluster; the log is
/// bounded (<c>WEBHOOK_DELIVERY_MAX_*</c>), so one master holding it is enough.
/// </summary>
public sealed class RedisWebhookDeliveryStore(IConnectionMultiplexer redis, WebhookSettings settings) : IWebhookDeliveryStore
{
    /// <summary>How long a claim stays "in flight" without a confirm: longer than any publish timeout.</summary>
    public static readonly TimeSpan PendingWindow = TimeSpan.FromSeconds(30);

    private const string IndexKey = "gitlabbus:{webhooks}:deliveries";
    private const string DeliveryPrefix = "gitlabbus:{webhooks}:delivery:";
    private const string SizesKey = "gitlabbus:{webhooks}:delivery-bytes";
    private const string TotalKey = "gitlabbus:{webhooks}:delivery-bytes-total";
    private const string PendingPrefix = "pending:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static readonly LuaScript Claim = LuaScript.Prepare(
        """
        if @hasKey == '1' then
          local existing = redis.call('GET', @dedupKey)
          if existing then return existing end
          redis.call('SET', @dedupKey, @pending, 'PX', @pendingMs)
        end
        redis.call('HSET', @deliveryKey, 'meta', @meta, 'payload', @payload, 'status', 'pending')
        redis.call('PEXPIRE', @deliveryKey, @retentionMs)
        redis.call('ZADD', @indexKey, @nowMs, @id)
        redis.call('HSET', @sizesKey, @id, @bytes)
        local total = redis.call('INCRBY', @totalKey, @bytes)
        local cutoff = tonumber(@nowMs) - tonumber(@retentionMs)
        local count = redis.call('ZCARD', @indexKey)
        while count > 0 do
          local oldest = redis.call('ZRANGE', @indexKey, 0, 0, 'WITHSCORES')
          if count <= tonumber(@maxCount) and total <= tonumber(@maxBytes) and tonumber(oldest[2]) >= cutoff then break end
          redis.call('ZREM', @indexKey, oldest[1])
          redis.call('DEL', @deliveryPrefix .. oldest[1])
          total = redis.call('DECRBY', @totalKey, tonumber(redis.call('HGET', @sizesKey, oldest[1]) or '0'))
          redis.call('HDEL', @sizesKey, oldest[1])
          count = count - 1
        end
        return false
        """
    );

    private static readonly LuaScript Confirm = LuaScript.Prepare(
        """
        if @hasKey == '1' then redis.call('SET', @dedupKey, @id, 'PX', @dedupMs) end
        if redis.call('HGET', @deliveryKey, 'status') == 'pending' then redis.call('HSET', @deliveryKey, 'status', 'accepted') end
        return true
        """
    );

    private static readonly LuaScript Release = LuaScript.Prepare(
        """
        if @hasKey == '1' and redis.call('GET', @dedupKey) == @pending then redis.call('DEL', @dedupKey) end
        redis.call('DEL', @deliveryKey)
        redis.call('ZREM', @indexKey, @id)
        local size = redis.call('HGET', @sizesKey, @id)
        if size then
          redis.call('HDEL', @sizesKey, @id)
          redis.call('DECRBY', @totalKey, tonumber(size))
        end
        return true
        """
    );

    private static readonly LuaScript MarkRouted = LuaScript.Prepare(
        """
        if redis.call('EXISTS', @deliveryKey) == 1 then redis.call('HSET', @deliveryKey, 'routed_to', @routedTo) end
        return true
        """
    );

    private static readonly LuaScript MarkFailed = LuaScript.Prepare(
        """
        if redis.call('EXISTS', @deliveryKey) == 1 then redis.call('HSET', @deliveryKey, 'status', 'failed', 'failure', @reason) end
        return true
        """
    );

    private IDatabase Db => redis.GetDatabase();

    public async Task<DeliveryClaim> ClaimAsync(WebhookDelivery delivery, string? dedupKey, CancellationToken cancellationToken)
    {
        var id = delivery.DeliveryId.ToString();
        var result = await Db.ScriptEvaluateAsync(
            Claim,
            new
            {
                hasKey = dedupKey is null ? "0" : "1",
                dedupKey = DedupKey(dedupKey),
                pending = PendingPrefix + id,
                pendingMs = (long)PendingWindow.TotalMilliseconds,
                deliveryKey = DeliveryKey(delivery.DeliveryId),
                meta = JsonSerializer.Serialize(DeliveryMeta.From(delivery), Json),
                payload = delivery.Payload.GetRawText(),
                retentionMs = (long)settings.Retention.TotalMilliseconds,
                indexKey = (RedisKey)IndexKey,
                nowMs = delivery.ReceivedAt.ToUnixTimeMilliseconds(),
                id,
                maxCount = settings.MaxDeliveries,
                sizesKey = (RedisKey)SizesKey,
                totalKey = (RedisKey)TotalKey,
                bytes = delivery.StoredBytes,
                maxBytes = settings.MaxStoredBytes,
                deliveryPrefix = DeliveryPrefix,
            }
        );

        if (result.IsNull)
        {
            return new DeliveryClaim(ClaimOutcome.Claimed, delivery.DeliveryId);
        }

        var existing = (string)result!;
        return existing.StartsWith(PendingPrefix, StringComparison.Ordinal)
            ? new DeliveryClaim(ClaimOutcome.InFlight, Guid.Parse(existing.AsSpan(PendingPrefix.Length)))
            : new DeliveryClaim(ClaimOutcome.Duplicate, Guid.Parse(existing));
    }

    public Task ConfirmAsync(Guid deliveryId, string? dedupKey, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(
            Confirm,
            new
            {
                hasKey = dedupKey is null ? "0" : "1",
                dedupKey = DedupKey(dedupKey),
                id = deliveryId.ToString(),
                dedupMs = (long)settings.DedupWindow.TotalMilliseconds,
                deliveryKey = DeliveryKey(deliveryId),
            }
        );

    public Task ReleaseAsync(Guid deliveryId, string? dedupKey, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(
            Release,
            new
            {
                hasKey = dedupKey is null ? "0" : "1",
                dedupKey = DedupKey(dedupKey),
                pending = PendingPrefix + deliveryId,
                deliveryKey = DeliveryKey(deliveryId),
                indexKey = (RedisKey)IndexKey,
                id = deliveryId.ToString(),
                sizesKey = (RedisKey)SizesKey,
                totalKey = (RedisKey)TotalKey,
            }
        );

    public async Task<WebhookDelivery?> GetAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        var fields = await Db.HashGetAsync(DeliveryKey(deliveryId), ["meta", "status", "routed_to", "failure", "payload"]);
        return Read(fields);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var db = Db;
        var ids = await db.SortedSetRangeByRankAsync(IndexKey, 0, limit - 1, Order.Descending);
        var batch = db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(DeliveryKey(Guid.Parse(id.ToString())), ["meta", "status", "routed_to", "failure"]))
            .ToList();
        batch.Execute();
        var rows = await Task.WhenAll(reads);
        return rows.Select(Read).OfType<WebhookDelivery>().ToList();
    }

    public Task MarkRoutedAsync(Guid deliveryId, IReadOnlyList<string> routedTo, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(
            MarkRouted,
            new { deliveryKey = DeliveryKey(deliveryId), routedTo = JsonSerializer.Serialize(routedTo, Json) }
        );

    public Task MarkFailedAsync(Guid deliveryId, string reason, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(MarkFailed, new { deliveryKey = DeliveryKey(deliveryId), reason });

    private static RedisKey DeliveryKey(Guid deliveryId) => DeliveryPrefix + deliveryId;

    private static RedisKey DedupKey(string? key) =>
        key is null
            ? "gitlabbus:{webhooks}:dedup:none"
            : "gitlabbus:{webhooks}:dedup:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static WebhookDelivery? Read(RedisValue[] fields)
    {
        if (fields[0].IsNull)
        {
            return null;
        }

        var meta = JsonSerializer.Deserialize<DeliveryMeta>((string)fields[0]!, Json)!;
        return new WebhookDelivery
        {
            DeliveryId = meta.DeliveryId,
            EventName = meta.EventName,
            Headers = meta.Headers,
            ReceivedAt = meta.ReceivedAt,
            Status = (string?)fields[1] switch
            {
                "accepted" => DeliveryStatus.Accepted,
                "failed" => DeliveryStatus.Failed,
                _ => DeliveryStatus.Pending,
            },
            RoutedTo = fields[2].IsNull ? null : JsonSerializer.Deserialize<string[]>((string)fields[2]!, Json),
            Failure = fields[3].IsNull ? null : (string?)fields[3],
            PayloadBytes = meta.PayloadBytes,
            Truncated = meta.Truncated,
            ProjectId = meta.ProjectId,
            OrgId = meta.OrgId,
            Payload = fields.Length > 4 && !fields[4].IsNull ? JsonSerializer.Deserialize<JsonElement>((string)fields[4]!) : default,
        };
    }

    private sealed record DeliveryMeta(
        Guid DeliveryId,
        string EventName,
        Dictionary<string, string> Headers,
        DateTimeOffset ReceivedAt,
        int PayloadBytes = 0,
        bool Truncated = false,
        long? ProjectId = null,
        string? OrgId = null
    )
    {
        public static DeliveryMeta From(WebhookDelivery delivery) =>
            new(
                delivery.DeliveryId,
                delivery.EventName,
                new Dictionary<string, string>(delivery.Headers),
                delivery.ReceivedAt,
                delivery.PayloadBytes,
                delivery.Truncated,
                delivery.ProjectId,
                delivery.OrgId
            );
    }
}
