using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using StackExchange.Redis;

namespace GitLabBus.Runtime.Operations;

/// <summary>
/// The stream is the record; the channel only wakes followers up. A follower subscribes first, then reads the
/// stream from where it is, so an event appended in between is never missed (it is read, and its
/// notification merely causes a read that finds nothing new). A slow poll covers a lost notification.
/// </summary>
public sealed class RedisOperationProgress(IConnectionMultiplexer redis, TimeProvider clock) : IOperationProgress
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan PollFallback = TimeSpan.FromSeconds(2);

    public async Task<OperationEvent> AppendAsync(string operationId, string type, JsonElement? data, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        var final = OperationEventTypes.IsFinal(type);
        var db = redis.GetDatabase();
        var id = await db.StreamAddAsync(
            StreamKey(operationId),
            [
                new NameValueEntry("type", type),
                new NameValueEntry("at", at.ToUnixTimeMilliseconds()),
                new NameValueEntry("data", data?.GetRawText() ?? ""),
                new NameValueEntry("final", final ? "1" : "0"),
            ]
        );
        var appended = new OperationEvent(id.ToString(), type, at, data, final);

        var batch = db.CreateBatch();
        var expire = batch.KeyExpireAsync(StreamKey(operationId), Retention);
        var announce = batch.PublishAsync(RedisChannel.Literal(ChannelName(operationId)), JsonSerializer.Serialize(appended));
        batch.Execute();
        await Task.WhenAll(expire, announce);
        return appended;
    }

    public async Task<IReadOnlyList<OperationEvent>> ReadAsync(string operationId, CancellationToken cancellationToken) =>
        (await redis.GetDatabase().StreamRangeAsync(StreamKey(operationId))).Select(ToEvent).ToList();

    public async IAsyncEnumerable<OperationEvent> FollowAsync(
        string operationId,
        string? afterId,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var subscriber = redis.GetSubscriber();
        var channel = RedisChannel.Literal(ChannelName(operationId));
        Action<RedisChannel, RedisValue> onMessage = (_, _) => wakeUps.Writer.TryWrite(true);
        await subscriber.SubscribeAsync(channel, onMessage);
        try
        {
            var last = afterId;
            while (!cancellationToken.IsCancellationRequested)
            {
                var entries = await redis.GetDatabase().StreamRangeAsync(StreamKey(operationId), minId: last is null ? "-" : "(" + last);
                foreach (var entry in entries)
                {
                    var next = ToEvent(entry);
                    last = next.Id;
                    yield return next;
                    if (next.Final)
                    {
                        yield break;
                    }
                }

                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                poll.CancelAfter(PollFallback);
                try
                {
                    await wakeUps.Reader.ReadAsync(poll.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Nothing announced for a while: read the stream anyway.
                }
            }
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel, onMessage);
        }
    }

    public static string StreamKey(string operationId) => $"gitlabbus:ops:{operationId}";

    public static string ChannelName(string operationId) => $"gitlabbus:progress:{operationId}";

    private static OperationEvent ToEvent(StreamEntry entry)
    {
        var data = (string?)entry["data"];
        return new OperationEvent(
            entry.Id.ToString(),
            (string)entry["type"]!,
            DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"]),
            string.IsNullOrEmpty(data) ? null : JsonSerializer.Deserialize<JsonElement>(data),
            entry["final"] == "1"
        );
    }
}
