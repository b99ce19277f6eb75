using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GitLabBus.Contracts;
using StackExchange.Redis;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>Each project's merge queue settings; a project never configured has <see cref="MergeQueueConfig.Default"/>.</summary>
public interface IMergeQueueConfigStore
{
    Task<MergeQueueConfig> GetAsync(long projectId, CancellationToken cancellationToken);

    /// <summary>Replaces the project's settings; the caller has checked them (<see cref="MergeQueueConfigRules"/>).</summary>
    Task PutAsync(long projectId, MergeQueueConfig config, CancellationToken cancellationToken);
}

public sealed class InMemoryMergeQueueConfigStore : IMergeQueueConfigStore
{
    private readonly ConcurrentDictionary<long, MergeQueueConfig> _configs = new();

    public Task<MergeQueueConfig> GetAsync(long projectId, CancellationToken cancellationToken) =>
        Task.FromResult(_configs.GetValueOrDefault(projectId, MergeQueueConfig.Default));

    public Task PutAsync(long projectId, MergeQueueConfig config, CancellationToken cancellationToken)
    {
        _configs[projectId] = config;
        return Task.CompletedTask;
    }
}

/// <summary>Redis layout: <c>gitlabbus:merge-queue:{project_id}:config</c>, the settings as JSON, kept until replaced.</summary>
public sealed class RedisMergeQueueConfigStore(IConnectionMultiplexer redis) : IMergeQueueConfigStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string KeyOf(long projectId) => $"gitlabbus:merge-queue:{projectId.ToString(CultureInfo.InvariantCulture)}:config";

    public async Task<MergeQueueConfig> GetAsync(long projectId, CancellationToken cancellationToken)
    {
        var stored = await redis.GetDatabase().StringGetAsync(KeyOf(projectId));
        return stored.IsNullOrEmpty ? MergeQueueConfig.Default : JsonSerializer.Deserialize<MergeQueueConfig>(stored.ToString(), Json)!;
    }

    public Task PutAsync(long projectId, MergeQueueConfig config, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(KeyOf(projectId), JsonSerializer.Serialize(config, Json));
}
