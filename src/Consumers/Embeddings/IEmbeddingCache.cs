namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Title embeddings of a project's work items: in Redis one key per item, <c>embeddings:{project_id}:{work_item_id}</c>,
/// its value a JSON array of numbers; in memory in embedded mode. Work item ids are <c>epic-{id}</c> and
/// <c>issue-{id}</c>, because GitLab numbers epics and issues separately.
/// </summary>
public interface IEmbeddingCache
{
    /// <summary>The cached vectors of these items (one round trip), absent ones left out.</summary>
    Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
        long projectId,
        IReadOnlyCollection<string> workItemIds,
        CancellationToken cancellationToken
    );

    /// <summary>Adds or overwrites these vectors of the project (one round trip).</summary>
    Task WriteAsync(long projectId, IReadOnlyCollection<KeyValuePair<string, float[]>> vectors, CancellationToken cancellationToken);

    /// <summary>Removes the project's vectors of every item not in <paramref name="keep"/>: what a replacement leaves behind.</summary>
    Task RemoveAllExceptAsync(long projectId, IReadOnlySet<string> keep, CancellationToken cancellationToken);
}

public static class EmbeddingKeys
{
    public static string WorkItemId(string kind, string id) => $"{kind}-{id}";

    public static string Key(long projectId, string workItemId) => $"embeddings:{projectId}:{workItemId}";
}
