using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using StackExchange.Redis;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// What was asked of a merge request's reviews and done: <see cref="ReviewKey"/> marks a request done (a redelivery, a
/// second replica or the same hook five times find it and stop), and the latest review is kept for <c>GET .../review</c>.
/// </summary>
public interface IReviewStore
{
    Task<bool> IsDoneAsync(ReviewKey key, CancellationToken cancellationToken);

    /// <summary>Marks <paramref name="key"/> done and, when given, keeps <paramref name="review"/> as the merge request's latest.</summary>
    Task RecordAsync(ReviewKey key, ReviewView? review, CancellationToken cancellationToken);

    Task<ReviewView?> LatestAsync(ScopedProject project, long mergeRequestIid, CancellationToken cancellationToken);

    /// <summary>The poller's watermark at the served GitLab (<paramref name="orgId"/> null) or an organisation's: the latest merge
    /// request update (by that GitLab's clock) it read; null before its first round there.</summary>
    Task<DateTimeOffset?> WatermarkAsync(string? orgId, CancellationToken cancellationToken);

    Task SetWatermarkAsync(string? orgId, DateTimeOffset watermark, CancellationToken cancellationToken);
}

/// <summary>
/// A request's identity: the merge request, the head it was about, the command, and what asked (a command's note, a REST
/// operation); a hook or the poller asks as nobody in particular, so they share one key per head. An organisation's merge
/// requests are kept within it (<see cref="ScopedProject"/>).
/// </summary>
public sealed record ReviewKey(ScopedProject Project, long MergeRequestIid, string HeadSha, string Command, string? AskedBy)
{
    public static ReviewKey Of(ReviewRequested request, string headSha) =>
        new(
            new ScopedProject(request.OrgId, request.ProjectId),
            request.MergeRequestIid,
            headSha,
            request.Command,
            request.NoteId?.ToString(CultureInfo.InvariantCulture) ?? request.OperationId
        );

    public override string ToString() => $"{HeadSha}:{Command}:{AskedBy ?? "-"}";
}

public sealed class InMemoryReviewStore : IReviewStore
{
    private readonly ConcurrentDictionary<ReviewKey, bool> _done = new();
    private readonly ConcurrentDictionary<(ScopedProject, long), ReviewView> _latest = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _watermarks = new(StringComparer.Ordinal);

    public Task<bool> IsDoneAsync(ReviewKey key, CancellationToken cancellationToken) => Task.FromResult(_done.ContainsKey(key));

    public Task RecordAsync(ReviewKey key, ReviewView? review, CancellationToken cancellationToken)
    {
        if (review is not null)
        {
            _latest[(key.Project, key.MergeRequestIid)] = review;
        }

        _done[key] = true;
        return Task.CompletedTask;
    }

    public Task<ReviewView?> LatestAsync(ScopedProject project, long mergeRequestIid, CancellationToken cancellationToken) =>
        Task.FromResult(_latest.GetValueOrDefault((project, mergeRequestIid)));

    public Task<DateTimeOffset?> WatermarkAsync(string? orgId, CancellationToken cancellationToken) =>
        Task.FromResult(_watermarks.TryGetValue(orgId ?? "", out var watermark) ? watermark : (DateTimeOffset?)null);

    public Task SetWatermarkAsync(string? orgId, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        _watermarks[orgId ?? ""] = watermark;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Redis layout, one hash per merge request (<c>gitlabbus:review:{project:iid}</c>, its hash tag keeping it in one slot):
/// field <c>latest</c> the latest review as JSON, and a field per request done (<c>done:{head}:{command}:{asked by}</c>).
/// An organisation's are under <c>gitlabbus:orgs:{org_id}:review:{project:iid}</c>.
/// The hash lives <see cref="Retention"/> after its last review. The poller's watermark is <c>gitlabbus:review:poller</c>
/// (an ISO 8601 time, kept until replaced; an organisation's <c>gitlabbus:orgs:{org_id}:review:poller</c>).
/// </summary>
public sealed class RedisReviewStore(IConnectionMultiplexer redis) : IReviewStore
{
    public const string WatermarkKey = "gitlabbus:review:poller";
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string KeyOf(ScopedProject project, long mergeRequestIid) =>
        project.Key(string.Create(CultureInfo.InvariantCulture, $"gitlabbus:review:{{{project.Id}:{mergeRequestIid}}}"));

    public Task<bool> IsDoneAsync(ReviewKey key, CancellationToken cancellationToken) =>
        redis.GetDatabase().HashExistsAsync(KeyOf(key.Project, key.MergeRequestIid), $"done:{key}");

    public async Task RecordAsync(ReviewKey key, ReviewView? review, CancellationToken cancellationToken)
    {
        var hash = KeyOf(key.Project, key.MergeRequestIid);
        var transaction = redis.GetDatabase().CreateTransaction();
        var fields = new List<HashEntry> { new($"done:{key}", "1") };
        if (review is not null)
        {
            fields.Add(new HashEntry("latest", JsonSerializer.Serialize(review, Json)));
        }

        _ = transaction.HashSetAsync(hash, [.. fields]);
        _ = transaction.KeyExpireAsync(hash, Retention);
        await transaction.ExecuteAsync();
    }

    public async Task<ReviewView?> LatestAsync(ScopedProject project, long mergeRequestIid, CancellationToken cancellationToken)
    {
        var stored = await redis.GetDatabase().HashGetAsync(KeyOf(project, mergeRequestIid), "latest");
        return stored.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ReviewView>(stored.ToString(), Json);
    }

    public async Task<DateTimeOffset?> WatermarkAsync(string? orgId, CancellationToken cancellationToken)
    {
        var stored = await redis.GetDatabase().StringGetAsync(OrgScope.Key(orgId, WatermarkKey));
        return stored.IsNullOrEmpty ? null : DateTimeOffset.Parse(stored.ToString(), CultureInfo.InvariantCulture);
    }

    public Task SetWatermarkAsync(string? orgId, DateTimeOffset watermark, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(OrgScope.Key(orgId, WatermarkKey), watermark.ToString("O", CultureInfo.InvariantCulture));
}
