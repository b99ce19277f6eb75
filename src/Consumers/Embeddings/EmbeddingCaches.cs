using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GitLabBus.Consumers.GitLabAccess;
using StackExchange.Redis;

namespace GitLabBus.Consumers.Embeddings;

public sealed class RedisEmbeddingCache(IConnectionMultiplexer redis) : IEmbeddingCache
{
    private const int Page = 1_000;
    private static readonly JsonSerializerOptions RecordJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
        ScopedProject projectId,
        string model,
        IReadOnlyCollection<string> workItemIds,
        CancellationToken cancellationToken
    )
    {
        var found = new Dictionary<string, float[]>();
        if (workItemIds.Count == 0)
        {
            return found;
        }

        var ids = workItemIds.ToArray();
        var database = redis.GetDatabase();
        var recordsRead = database.HashGetAsync(EmbeddingKeys.Titles(projectId), [.. ids.Select(id => (RedisValue)id)]);
        var vectorsRead = database.StringGetAsync([.. ids.Select(id => (RedisKey)EmbeddingKeys.Key(projectId, id))]);
        await Task.WhenAll(recordsRead, vectorsRead);
        var (records, vectors) = (await recordsRead, await vectorsRead);
        for (var i = 0; i < ids.Length; i++)
        {
            if (Recorded(records[i]) is { } record && record.Model == model && !vectors[i].IsNull)
            {
                found[ids[i]] = JsonSerializer.Deserialize<float[]>(vectors[i].ToString())!;
            }
        }

        return found;
    }

    public async Task WriteAsync(
        ScopedProject projectId,
        string model,
        IReadOnlyCollection<CachedTitle> titles,
        CancellationToken cancellationToken
    )
    {
        if (titles.Count == 0)
        {
            return;
        }

        // One transaction: a vector never stands beside another model's record, even when the process dies between the two.
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.StringSetAsync([
            .. titles.Select(title =>
                KeyValuePair.Create(
                    (RedisKey)EmbeddingKeys.Key(projectId, title.WorkItemId),
                    (RedisValue)JsonSerializer.Serialize(title.Vector)
                )
            ),
        ]);
        _ = transaction.HashSetAsync(
            EmbeddingKeys.Titles(projectId),
            [.. titles.Select(title => new HashEntry(title.WorkItemId, JsonSerializer.Serialize(TitleRecord.Of(model, title), RecordJson)))]
        );
        await transaction.ExecuteAsync();
    }

    public async Task CompleteRunAsync(
        ScopedProject projectId,
        string model,
        IReadOnlySet<string> keep,
        CancellationToken cancellationToken
    )
    {
        var database = redis.GetDatabase();
        var stale = (await database.HashKeysAsync(EmbeddingKeys.Titles(projectId))).Select(id => id.ToString()).ToHashSet();
        // Vectors cached before their records were kept have none: the contract's keys are looked for too.
        var prefix = EmbeddingKeys.Key(projectId, "");
        foreach (var server in redis.GetServers().Where(server => !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(database.Database, prefix + "*", pageSize: Page).WithCancellation(cancellationToken))
            {
                stale.Add(key.ToString()[prefix.Length..]);
            }
        }

        stale.ExceptWith(keep);
        foreach (var batch in stale.Chunk(Page))
        {
            await Task.WhenAll(
                database.KeyDeleteAsync([.. batch.Select(id => (RedisKey)EmbeddingKeys.Key(projectId, id))]),
                database.HashDeleteAsync(EmbeddingKeys.Titles(projectId), [.. batch.Select(id => (RedisValue)id)])
            );
        }

        var transaction = database.CreateTransaction();
        _ = transaction.HashSetAsync(EmbeddingKeys.Runs(projectId), [new HashEntry("model", model), new HashEntry("count", keep.Count)]);
        _ = transaction.HashIncrementAsync(EmbeddingKeys.Runs(projectId), "generation");
        await transaction.ExecuteAsync();
    }

    public async Task<EmbeddingRun?> LastRunAsync(ScopedProject projectId, CancellationToken cancellationToken)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(EmbeddingKeys.Runs(projectId))).ToDictionary(
            entry => entry.Name.ToString(),
            entry => entry.Value.ToString()
        );
        return fields.TryGetValue("model", out var model) && fields.TryGetValue("generation", out var generation)
            ? new EmbeddingRun(
                model,
                long.Parse(generation, CultureInfo.InvariantCulture),
                int.Parse(fields.GetValueOrDefault("count", "0"), CultureInfo.InvariantCulture)
            )
            : null;
    }

    public async IAsyncEnumerable<IReadOnlyList<CachedTitle>> ReadAllAsync(
        ScopedProject projectId,
        string model,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var database = redis.GetDatabase();
        var seen = new HashSet<string>();
        var page = new List<(string Id, TitleRecord Record)>(Page);
        // HSCAN may return a field twice while the hash grows: seen keeps each title once.
        var entries = database.HashScanAsync(EmbeddingKeys.Titles(projectId), pageSize: Page);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            if (Recorded(entry.Value) is { } record && record.Model == model && seen.Add(entry.Name.ToString()))
            {
                page.Add((entry.Name.ToString(), record));
            }

            if (page.Count == Page)
            {
                yield return await WithVectorsAsync(database, projectId, page);
                page.Clear();
            }
        }

        if (page.Count > 0)
        {
            yield return await WithVectorsAsync(database, projectId, page);
        }
    }

    private static async Task<IReadOnlyList<CachedTitle>> WithVectorsAsync(
        IDatabase database,
        ScopedProject projectId,
        List<(string Id, TitleRecord Record)> page
    )
    {
        var vectors = await database.StringGetAsync([.. page.Select(item => (RedisKey)EmbeddingKeys.Key(projectId, item.Id))]);
        return
        [
            .. page.Zip(vectors)
                .Where(pair => !pair.Second.IsNull)
                .Select(pair => pair.First.Record.With(JsonSerializer.Deserialize<float[]>(pair.Second.ToString())!)),
        ];
    }

    private static TitleRecord? Recorded(RedisValue value) =>
        value.IsNull ? null : JsonSerializer.Deserialize<TitleRecord>(value.ToString(), RecordJson);

    private sealed record TitleRecord(string Model, string Kind, string Id, string Iid, string Title, string WebUrl, string State)
    {
        public static TitleRecord Of(string model, CachedTitle title) =>
            new(model, title.Kind, title.Id, title.Iid, title.Title, title.WebUrl, title.State);

        public CachedTitle With(float[] vector) => new(Kind, Id, Iid, Title, WebUrl, State, vector);
    }
}

public sealed class InMemoryEmbeddingCache : IEmbeddingCache
{
    private const int Page = 1_000;
    private readonly ConcurrentDictionary<ScopedProject, ProjectTitles> _projects = new();

    public Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
        ScopedProject projectId,
        string model,
        IReadOnlyCollection<string> workItemIds,
        CancellationToken cancellationToken
    )
    {
        var cached = Project(projectId).Titles;
        IReadOnlyDictionary<string, float[]> found = workItemIds
            .Where(id => cached.TryGetValue(id, out var title) && title.Model == model)
            .ToDictionary(id => id, id => cached[id].Title.Vector);
        return Task.FromResult(found);
    }

    public Task WriteAsync(
        ScopedProject projectId,
        string model,
        IReadOnlyCollection<CachedTitle> titles,
        CancellationToken cancellationToken
    )
    {
        var cached = Project(projectId).Titles;
        foreach (var title in titles)
        {
            cached[title.WorkItemId] = (model, title);
        }

        return Task.CompletedTask;
    }

    public Task CompleteRunAsync(ScopedProject projectId, string model, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        var project = Project(projectId);
        foreach (var id in project.Titles.Keys.Where(id => !keep.Contains(id)))
        {
            project.Titles.TryRemove(id, out _);
        }

        lock (project)
        {
            project.LastRun = new EmbeddingRun(model, (project.LastRun?.Generation ?? 0) + 1, keep.Count);
        }

        return Task.CompletedTask;
    }

    public Task<EmbeddingRun?> LastRunAsync(ScopedProject projectId, CancellationToken cancellationToken)
    {
        var project = Project(projectId);
        lock (project)
        {
            return Task.FromResult(project.LastRun);
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<CachedTitle>> ReadAllAsync(
        ScopedProject projectId,
        string model,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await Task.Yield();
        foreach (var page in Project(projectId).Titles.Values.Where(title => title.Model == model).Select(title => title.Title).Chunk(Page))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return page;
        }
    }

    private ProjectTitles Project(ScopedProject projectId) => _projects.GetOrAdd(projectId, _ => new());

    private sealed class ProjectTitles
    {
        public ConcurrentDictionary<string, (string Model, CachedTitle Title)> Titles { get; } = new();
        public EmbeddingRun? LastRun { get; set; }
    }
}
