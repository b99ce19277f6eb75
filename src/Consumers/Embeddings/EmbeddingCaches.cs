using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
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
        var vectorsRead = VectorsAsync(database, projectId, ids);
        await Task.WhenAll(recordsRead, vectorsRead);
        var (records, vectors) = (await recordsRead, await vectorsRead);
        for (var i = 0; i < ids.Length; i++)
        {
            if (Recorded(records[i]) is { } record && record.Model == model && record.Holds(vectors[i]))
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

        // The vectors sit in the contract's keys, one slot each on a cluster, so no transaction can hold them with their records.
        // Each record names its vector's digest instead: a reader takes a vector only beside the record written with it, in
        // whatever order the two landed or if the process died between them.
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var writes = new List<Task>(titles.Count + 1);
        var records = new List<HashEntry>(titles.Count);
        foreach (var title in titles)
        {
            var vector = JsonSerializer.Serialize(title.Vector);
            writes.Add(batch.StringSetAsync(EmbeddingKeys.Key(projectId, title.WorkItemId), vector));
            records.Add(new HashEntry(title.WorkItemId, JsonSerializer.Serialize(TitleRecord.Of(model, title, vector), RecordJson)));
        }

        writes.Add(batch.HashSetAsync(EmbeddingKeys.Titles(projectId), [.. records]));
        batch.Execute();
        await Task.WhenAll(writes);
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
        // Vectors cached before their records were kept have none: on a single server the contract's keys are looked for too.
        // A cluster is never scanned across its keyspace; it started with records beside every vector.
        if (!Clustered && redis.GetServers() is [{ IsReplica: false } server])
        {
            var prefix = EmbeddingKeys.Key(projectId, "");
            await foreach (var key in server.KeysAsync(database.Database, prefix + "*", pageSize: Page).WithCancellation(cancellationToken))
            {
                stale.Add(key.ToString()[prefix.Length..]);
            }
        }

        stale.ExceptWith(keep);
        foreach (var chunk in stale.Chunk(Page))
        {
            var batch = database.CreateBatch();
            var deletes = chunk.Select(id => (Task)batch.KeyDeleteAsync(EmbeddingKeys.Key(projectId, id))).ToList();
            deletes.Add(batch.HashDeleteAsync(EmbeddingKeys.Titles(projectId), [.. chunk.Select(id => (RedisValue)id)]));
            batch.Execute();
            await Task.WhenAll(deletes);
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

    private async Task<IReadOnlyList<CachedTitle>> WithVectorsAsync(
        IDatabase database,
        ScopedProject projectId,
        List<(string Id, TitleRecord Record)> page
    )
    {
        var vectors = await VectorsAsync(database, projectId, [.. page.Select(item => item.Id)]);
        return
        [
            .. page.Zip(vectors)
                .Where(pair => pair.First.Record.Holds(pair.Second))
                .Select(pair => pair.First.Record.With(JsonSerializer.Deserialize<float[]>(pair.Second.ToString())!)),
        ];
    }

    /// <summary>One MGET on a single server; on a cluster, where an MGET would span slots, one GET per vector in one pipelined
    /// batch.</summary>
    private async Task<RedisValue[]> VectorsAsync(IDatabase database, ScopedProject projectId, IReadOnlyList<string> workItemIds)
    {
        if (!Clustered)
        {
            return await database.StringGetAsync([.. workItemIds.Select(id => (RedisKey)EmbeddingKeys.Key(projectId, id))]);
        }

        var batch = database.CreateBatch();
        var reads = workItemIds.Select(id => batch.StringGetAsync(EmbeddingKeys.Key(projectId, id))).ToArray();
        batch.Execute();
        return await Task.WhenAll(reads);
    }

    /// <summary>Asked each time: the multiplexer learns what it is connected to only once it is.</summary>
    private bool Clustered => redis.GetServers().Any(server => server.ServerType == ServerType.Cluster);

    private static TitleRecord? Recorded(RedisValue value) =>
        value.IsNull ? null : JsonSerializer.Deserialize<TitleRecord>(value.ToString(), RecordJson);

    /// <param name="VectorSha256">The first 16 hex digits of the SHA-256 of the vector's JSON; null in records written before
    /// vectors and records were written apart (then in one transaction, so any vector beside them is theirs).</param>
    private sealed record TitleRecord(
        string Model,
        string Kind,
        string Id,
        string Iid,
        string Title,
        string WebUrl,
        string State,
        string? VectorSha256 = null
    )
    {
        public static TitleRecord Of(string model, CachedTitle title, string vector) =>
            new(model, title.Kind, title.Id, title.Iid, title.Title, title.WebUrl, title.State, Digest(vector));

        public bool Holds(RedisValue vector) => !vector.IsNull && (VectorSha256 is null || VectorSha256 == Digest(vector.ToString()));

        public CachedTitle With(float[] vector) => new(Kind, Id, Iid, Title, WebUrl, State, vector);

        private static string Digest(string vector) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(vector)))[..16];
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
