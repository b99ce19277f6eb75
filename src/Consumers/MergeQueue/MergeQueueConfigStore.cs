using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using StackExchange.Redis;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>Each project's merge queue settings; a project never configured has <see cref="MergeQueueConfig.Default"/>.</summary>
public interface IMergeQueueConfigStore
{
    Task<MergeQueueConfig> GetAsync(ScopedProject project, CancellationToken cancellationToken);

    /// <summary>Replaces the project's settings; the caller has checked them (<see cref="MergeQueueConfigRules"/>).</summary>
    Task PutAsync(ScopedProject project, MergeQueueConfig config, CancellationToken cancellationToken);
}

public sealed class InMemoryMergeQueueConfigStore : IMergeQueueConfigStore
{
    private readonly ConcurrentDictionary<ScopedProject, MergeQueueConfig> _configs = new();

    public Task<MergeQueueConfig> GetAsync(ScopedProject project, CancellationToken cancellationToken) =>
        Task.FromResult(_configs.GetValueOrDefault(project, MergeQueueConfig.Default));

    public Task PutAsync(ScopedProject project, MergeQueueConfig config, CancellationToken cancellationToken)
    {
        _configs[project] = config;
        return Task.CompletedTask;
    }
}

/// <summary>Redis layout: <c>gitlabbus:merge-queue:{project_id}:config</c> (an organisation's under
/// <c>gitlabbus:orgs:{org_id}:merge-queue:...</c>), the settings as JSON, kept until replaced.</summary>
public sealed class RedisMergeQueueConfigStore(IConnectionMultiplexer redis) : IMergeQueueConfigStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string KeyOf(ScopedProject project) =>
        project.Key($"gitlabbus:merge-queue:{project.Id.ToString(CultureInfo.InvariantCulture)}:config");

    public async Task<MergeQueueConfig> GetAsync(ScopedProject project, CancellationToken cancellationToken)
    {
        var stored = await redis.GetDatabase().StringGetAsync(KeyOf(project));
        return stored.IsNullOrEmpty ? MergeQueueConfig.Default : JsonSerializer.Deserialize<MergeQueueConfig>(stored.ToString(), Json)!;
    }

    public Task PutAsync(ScopedProject project, MergeQueueConfig config, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(KeyOf(project), JsonSerializer.Serialize(config, Json));
}
