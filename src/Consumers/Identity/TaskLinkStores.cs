using System.Collections.Concurrent;
using System.Text.Json;
using GitLabBus.Contracts;
using StackExchange.Redis;

namespace GitLabBus.Consumers.Identity;

/// <summary>
/// Links from an organisation's tasks to issues and merge requests of its GitLab, with their cached metadata: read by task,
/// found by the item a hook is about, and by age for the background refresh.
/// </summary>
public interface ITaskLinkStore
{
    /// <summary>Keeps <paramref name="link"/>, or returns the one kept before under its id (the same item on the same task).</summary>
    Task<TaskLink> AddAsync(TaskLink link, CancellationToken cancellationToken);

    /// <summary>Replaces a kept link's metadata; false when it was removed meanwhile.</summary>
    Task<bool> UpdateAsync(TaskLink link, CancellationToken cancellationToken);

    Task<IReadOnlyList<TaskLink>> ListAsync(string orgId, string taskId, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(string orgId, string taskId, string linkId, CancellationToken cancellationToken);

    /// <summary>Every link of the organisation to one item (<paramref name="projectPath"/> canonical).</summary>
    Task<IReadOnlyList<TaskLink>> ForItemAsync(
        string orgId,
        string kind,
        string projectPath,
        long iid,
        CancellationToken cancellationToken
    );

    /// <summary>Up to <paramref name="limit"/> links refreshed before <paramref name="before"/>, oldest first.</summary>
    Task<IReadOnlyList<TaskLink>> StaleAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}

public static class TaskLinkKeys
{
    public static string Links(string orgId) => $"gitlabbus:orgs:{orgId}:links";

    public static string Task(string orgId, string taskId) => $"gitlabbus:orgs:{orgId}:links:task:{taskId}";

    public static string Item(string orgId, string kind, string projectPath, long iid) =>
        $"gitlabbus:orgs:{orgId}:links:item:{kind}:{projectPath}#{iid}";

    public const string ByAge = "gitlabbus:links:refreshed";

    public static string Member(TaskLink link) => $"{link.OrgId}\n{link.LinkId}";
}

public sealed class RedisTaskLinkStore(IConnectionMultiplexer redis) : ITaskLinkStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<TaskLink> AddAsync(TaskLink link, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        if (!await database.HashSetAsync(TaskLinkKeys.Links(link.OrgId), link.LinkId, JsonSerializer.Serialize(link, Json), When.NotExists))
        {
            var kept = await database.HashGetAsync(TaskLinkKeys.Links(link.OrgId), link.LinkId);
            return JsonSerializer.Deserialize<TaskLink>(kept.ToString(), Json)!;
        }

        var batch = database.CreateBatch();
        var writes = new[]
        {
            batch.SetAddAsync(TaskLinkKeys.Task(link.OrgId, link.TaskId), link.LinkId),
            batch.SetAddAsync(TaskLinkKeys.Item(link.OrgId, link.Kind, link.ProjectPath, link.GitlabIid), link.LinkId),
            batch.SortedSetAddAsync(TaskLinkKeys.ByAge, TaskLinkKeys.Member(link), link.RefreshedAt.ToUnixTimeMilliseconds()),
        };
        batch.Execute();
        await Task.WhenAll(writes);
        return link;
    }

    public async Task<bool> UpdateAsync(TaskLink link, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        if (!await database.HashExistsAsync(TaskLinkKeys.Links(link.OrgId), link.LinkId))
        {
            return false;
        }

        await Task.WhenAll(
            database.HashSetAsync(TaskLinkKeys.Links(link.OrgId), link.LinkId, JsonSerializer.Serialize(link, Json)),
            database.SortedSetAddAsync(TaskLinkKeys.ByAge, TaskLinkKeys.Member(link), link.RefreshedAt.ToUnixTimeMilliseconds())
        );
        return true;
    }

    public async Task<IReadOnlyList<TaskLink>> ListAsync(string orgId, string taskId, CancellationToken cancellationToken) =>
        await ReadAsync(orgId, await redis.GetDatabase().SetMembersAsync(TaskLinkKeys.Task(orgId, taskId)));

    public async Task<bool> RemoveAsync(string orgId, string taskId, string linkId, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var kept = (await ReadAsync(orgId, [linkId])).SingleOrDefault();
        if (kept is null || kept.TaskId != taskId)
        {
            return false;
        }

        await Task.WhenAll(
            database.HashDeleteAsync(TaskLinkKeys.Links(orgId), linkId),
            database.SetRemoveAsync(TaskLinkKeys.Task(orgId, taskId), linkId),
            database.SetRemoveAsync(TaskLinkKeys.Item(orgId, kept.Kind, kept.ProjectPath, kept.GitlabIid), linkId),
            database.SortedSetRemoveAsync(TaskLinkKeys.ByAge, TaskLinkKeys.Member(kept))
        );
        return true;
    }

    public async Task<IReadOnlyList<TaskLink>> ForItemAsync(
        string orgId,
        string kind,
        string projectPath,
        long iid,
        CancellationToken cancellationToken
    ) => await ReadAsync(orgId, await redis.GetDatabase().SetMembersAsync(TaskLinkKeys.Item(orgId, kind, projectPath, iid)));

    public async Task<IReadOnlyList<TaskLink>> StaleAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var members = await redis
            .GetDatabase()
            .SortedSetRangeByScoreAsync(
                TaskLinkKeys.ByAge,
                double.NegativeInfinity,
                before.ToUnixTimeMilliseconds(),
                Exclude.Stop,
                take: limit
            );
        var links = new List<TaskLink>();
        foreach (var group in members.Select(member => member.ToString().Split('\n', 2)).GroupBy(parts => parts[0]))
        {
            links.AddRange(await ReadAsync(group.Key, [.. group.Select(parts => (RedisValue)parts[1])]));
        }

        return [.. links.OrderBy(link => link.RefreshedAt)];
    }

    private async Task<IReadOnlyList<TaskLink>> ReadAsync(string orgId, RedisValue[] ids)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await redis.GetDatabase().HashGetAsync(TaskLinkKeys.Links(orgId), ids);
        return
        [
            .. values
                .Where(value => !value.IsNull)
                .Select(value => JsonSerializer.Deserialize<TaskLink>(value.ToString(), Json)!)
                .OrderBy(link => link.CreatedAt),
        ];
    }
}

/// <summary>The embedded mode's store.</summary>
public sealed class InMemoryTaskLinkStore : ITaskLinkStore
{
    private readonly ConcurrentDictionary<(string Org, string Link), TaskLink> _links = new();

    public Task<TaskLink> AddAsync(TaskLink link, CancellationToken cancellationToken) =>
        Task.FromResult(_links.GetOrAdd((link.OrgId, link.LinkId), link));

    public Task<bool> UpdateAsync(TaskLink link, CancellationToken cancellationToken)
    {
        var key = (link.OrgId, link.LinkId);
        return Task.FromResult(_links.TryGetValue(key, out var kept) && _links.TryUpdate(key, link, kept));
    }

    public Task<IReadOnlyList<TaskLink>> ListAsync(string orgId, string taskId, CancellationToken cancellationToken) =>
        Where(link => link.OrgId == orgId && link.TaskId == taskId);

    public Task<bool> RemoveAsync(string orgId, string taskId, string linkId, CancellationToken cancellationToken) =>
        Task.FromResult(
            _links.TryGetValue((orgId, linkId), out var kept) && kept.TaskId == taskId && _links.TryRemove((orgId, linkId), out _)
        );

    public Task<IReadOnlyList<TaskLink>> ForItemAsync(
        string orgId,
        string kind,
        string projectPath,
        long iid,
        CancellationToken cancellationToken
    ) => Where(link => link.OrgId == orgId && link.Kind == kind && link.ProjectPath == projectPath && link.GitlabIid == iid);

    public Task<IReadOnlyList<TaskLink>> StaleAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TaskLink>>([
            .. _links.Values.Where(link => link.RefreshedAt < before).OrderBy(link => link.RefreshedAt).Take(limit),
        ]);

    private Task<IReadOnlyList<TaskLink>> Where(Func<TaskLink, bool> matches) =>
        Task.FromResult<IReadOnlyList<TaskLink>>([.. _links.Values.Where(matches).OrderBy(link => link.CreatedAt)]);
}
