namespace GitLabBus.Runtime.Embeddings;

/// <summary>
/// Title embeddings of a project's work items: in Redis one key per item, <c>embeddings:{project_id}:{work_item_id}</c>,
/// its value a JSON array of numbers; in memory in embedded mode. Work item ids are <c>epic-{id}</c> and
/// <c>issue-{id}</c>, because GitLab numbers epics and issues separately.
/// </summary>
public interface IEmbeddingCache
{
    /// <summary>The cached vectors of these items (one round trip), absent ones left out.</summary>
    Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(long projectId, IReadOnlyCollection<string> workItemIds, CancellationToken cancellationToken);

    /// <summary>Replaces everything cached for the project with <paramref name="vectors"/>.</summary>
    Task ReplaceAsync(long projectId, IReadOnlyDictionary<string, float[]> vectors, CancellationToken cancellationToken);
}

public static class EmbeddingKeys
{
    public static string WorkItemId(string kind, string id) => $"{kind}-{id}";

    public static string Key(long projectId, string workItemId) => $"embeddings:{projectId}:{workItemId}";
}
