using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Identity;

/// <summary>One change to an organisation's configuration: who, when, what (never a token or a secret).</summary>
public sealed record OrgAuditEvent(DateTimeOffset At, string Actor, string Action, JsonElement? Details);

/// <summary>Every configuration change of an organisation, newest first, the last <see cref="Kept"/> of them.</summary>
public interface IOrgAuditLog
{
    public const int Kept = 1_000;

    Task AppendAsync(string orgId, OrgAuditEvent entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrgAuditEvent>> ListAsync(string orgId, int limit, CancellationToken cancellationToken);
}

/// <summary>A list per organisation, <c>gitlabbus:orgs:{org_id}:audit</c>, trimmed to the last thousand events.</summary>
public sealed class RedisOrgAuditLog(IConnectionMultiplexer redis) : IOrgAuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Key(string orgId) => $"gitlabbus:orgs:{orgId}:audit";

    public async Task AppendAsync(string orgId, OrgAuditEvent entry, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var transaction = database.CreateTransaction();
        _ = transaction.ListLeftPushAsync(Key(orgId), JsonSerializer.Serialize(entry, Json));
        _ = transaction.ListTrimAsync(Key(orgId), 0, IOrgAuditLog.Kept - 1);
        await transaction.ExecuteAsync();
    }

    public async Task<IReadOnlyList<OrgAuditEvent>> ListAsync(string orgId, int limit, CancellationToken cancellationToken) =>
        [
            .. (await redis.GetDatabase().ListRangeAsync(Key(orgId), 0, limit - 1)).Select(value =>
                JsonSerializer.Deserialize<OrgAuditEvent>(value.ToString(), Json)!
            ),
        ];
}

public sealed class InMemoryOrgAuditLog : IOrgAuditLog
{
    private readonly ConcurrentDictionary<string, List<OrgAuditEvent>> _events = new();

    public Task AppendAsync(string orgId, OrgAuditEvent entry, CancellationToken cancellationToken)
    {
        var events = _events.GetOrAdd(orgId, _ => []);
        lock (events)
        {
            events.Insert(0, entry);
            if (events.Count > IOrgAuditLog.Kept)
            {
                events.RemoveAt(events.Count - 1);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OrgAuditEvent>> ListAsync(string orgId, int limit, CancellationToken cancellationToken)
    {
        if (!_events.TryGetValue(orgId, out var events))
        {
            return Task.FromResult<IReadOnlyList<OrgAuditEvent>>([]);
        }

        lock (events)
        {
            return Task.FromResult<IReadOnlyList<OrgAuditEvent>>([.. events.Take(limit)]);
        }
    }
}
