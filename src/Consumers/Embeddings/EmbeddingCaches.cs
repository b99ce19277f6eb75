using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace GitLabBus.Consumers.Embeddings;

public sealed class RedisEmbeddingCache(IConnectionMultiplexer redis) : IEmbeddingCache
{
    public async Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
        long projectId,
        IReadOnlyCollection<string> workItemIds,
        CancellationToken cancellationToken
    )
    {
        if (workItemIds.Count == 0)
        {
            return new Dictionary<string, float[]>();
        }

        var ids = workItemIds.ToArray();
        var values = await redis.GetDatabase().StringGetAsync([.. ids.Select(id => (RedisKey)EmbeddingKeys.Key(projectId, id))]);
        var found = new Dictionary<string, float[]>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (!values[i].IsNull)
            {
                found[ids[i]] = JsonSerializer.Deserialize<float[]>(values[i].ToString())!;
            }
        }

        return found;
    }

    public Task WriteAsync(
        long projectId,
        IReadOnlyCollection<KeyValuePair<string, float[]>> vectors,
        CancellationToken cancellationToken
    ) =>
        vectors.Count == 0
            ? Task.CompletedTask
            : redis
                .GetDatabase()
                .StringSetAsync([
                    .. vectors.Select(pair =>
                        KeyValuePair.Create(
                            (RedisKey)EmbeddingKeys.Key(projectId, pair.Key),
                            (RedisValue)JsonSerializer.Serialize(pair.Value)
                        )
                    ),
                ]);

    public async Task RemoveAllExceptAsync(long projectId, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var prefix = $"embeddings:{projectId}:";
        var stale = new List<RedisKey>();
        foreach (var server in redis.GetServers().Where(server => !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(database.Database, prefix + "*", pageSize: 1_000))
            {
                if (!keep.Contains(key.ToString()[prefix.Length..]))
                {
                    stale.Add(key);
                }

                if (stale.Count == 1_000)
                {
                    await database.KeyDeleteAsync([.. stale]);
                    stale.Clear();
                }
            }
        }

        if (stale.Count > 0)
        {
            await database.KeyDeleteAsync([.. stale]);
        }
    }
}

public sealed class InMemoryEmbeddingCache : IEmbeddingCache
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, float[]>> _projects = new();

    public Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
        long projectId,
        IReadOnlyCollection<string> workItemIds,
        CancellationToken cancellationToken
    )
    {
        var cached = Project(projectId);
        IReadOnlyDictionary<string, float[]> found = workItemIds.Where(cached.ContainsKey).ToDictionary(id => id, id => cached[id]);
        return Task.FromResult(found);
    }

    public Task WriteAsync(long projectId, IReadOnlyCollection<KeyValuePair<string, float[]>> vectors, CancellationToken cancellationToken)
    {
        var cached = Project(projectId);
        foreach (var (id, vector) in vectors)
        {
            cached[id] = vector;
        }

        return Task.CompletedTask;
    }

    public Task RemoveAllExceptAsync(long projectId, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        var cached = Project(projectId);
        foreach (var id in cached.Keys.Where(id => !keep.Contains(id)))
        {
            cached.TryRemove(id, out _);
        }

        return Task.CompletedTask;
    }

    private ConcurrentDictionary<string, float[]> Project(long projectId) => _projects.GetOrAdd(projectId, _ => new());
}
