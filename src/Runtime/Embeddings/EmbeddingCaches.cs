using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace GitLabBus.Runtime.Embeddings;

public sealed class RedisEmbeddingCache(IConnectionMultiplexer redis) : IEmbeddingCache
{
    public async Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(long projectId, IReadOnlyCollection<string> workItemIds, CancellationToken cancellationToken)
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

    public async Task ReplaceAsync(long projectId, IReadOnlyDictionary<string, float[]> vectors, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var stale = new List<RedisKey>();
        foreach (var server in redis.GetServers().Where(server => !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(database.Database, $"embeddings:{projectId}:*", pageSize: 1_000))
            {
                if (!vectors.ContainsKey(key.ToString()[$"embeddings:{projectId}:".Length..]))
                {
                    stale.Add(key);
                }
            }
        }

        foreach (var chunk in vectors.Chunk(1_000))
        {
            await database.StringSetAsync([.. chunk.Select(pair => KeyValuePair.Create((RedisKey)EmbeddingKeys.Key(projectId, pair.Key), (RedisValue)JsonSerializer.Serialize(pair.Value)))]);
        }

        foreach (var chunk in stale.Chunk(1_000))
        {
            await database.KeyDeleteAsync(chunk);
        }
    }
}

public sealed class InMemoryEmbeddingCache : IEmbeddingCache
{
    private readonly ConcurrentDictionary<long, IReadOnlyDictionary<string, float[]>> _projects = new();

    public Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(long projectId, IReadOnlyCollection<string> workItemIds, CancellationToken cancellationToken)
    {
        var cached = _projects.TryGetValue(projectId, out var vectors) ? vectors : new Dictionary<string, float[]>();
        IReadOnlyDictionary<string, float[]> found = workItemIds.Where(cached.ContainsKey).ToDictionary(id => id, id => cached[id]);
        return Task.FromResult(found);
    }

    public Task ReplaceAsync(long projectId, IReadOnlyDictionary<string, float[]> vectors, CancellationToken cancellationToken)
    {
        _projects[projectId] = new Dictionary<string, float[]>(vectors);
        return Task.CompletedTask;
    }
}
