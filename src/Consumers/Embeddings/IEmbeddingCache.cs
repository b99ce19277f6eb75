using GitLabBus.Consumers.GitLabAccess;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Title embeddings of a project's work items, each recorded with the model that made it. In Redis one key per item,
/// <c>embeddings:{project_id}:{work_item_id}</c>, its value a JSON array of numbers (the contract's, which other services read),
/// beside a hash <c>embeddings:titles:{project_id}</c> of what a similarity answer names (model, kind, ids, title, URL, state)
/// and <c>embeddings:runs:{project_id}</c>, the last completed run (model, generation, count); in memory in embedded mode.
/// An organisation's projects have the same keys under <c>gitlabbus:orgs:{org_id}:</c> (<see cref="ScopedProject"/>).
/// Work item ids are <c>epic-{id}</c> and <c>issue-{id}</c>, because GitLab numbers epics and issues separately.
/// </summary>
public interface IEmbeddingCache
{
    /// <summary>The cached vectors of these items made by <paramref name="model"/> (one round trip); others left out.</summary>
    Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
        ScopedProject projectId,
        string model,
        IReadOnlyCollection<string> workItemIds,
        CancellationToken cancellationToken
    );

    /// <summary>Adds or overwrites these titles of the project; a reader sees a title with its new vector or not at all.</summary>
    Task WriteAsync(ScopedProject projectId, string model, IReadOnlyCollection<CachedTitle> titles, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a run: removes the project's titles not in <paramref name="keep"/> (what a replacement leaves behind), then records
    /// the run's model and count under a new generation, which tells every replica's index to read the project again.
    /// </summary>
    Task CompleteRunAsync(ScopedProject projectId, string model, IReadOnlySet<string> keep, CancellationToken cancellationToken);

    /// <summary>The project's last completed run; null when none completed.</summary>
    Task<EmbeddingRun?> LastRunAsync(ScopedProject projectId, CancellationToken cancellationToken);

    /// <summary>Every cached title of the project made by <paramref name="model"/>, a page at a time (bounded memory).</summary>
    IAsyncEnumerable<IReadOnlyList<CachedTitle>> ReadAllAsync(ScopedProject projectId, string model, CancellationToken cancellationToken);
}

/// <summary>A work item's title as cached: its vector and what a similarity answer names.</summary>
/// <param name="Kind"><c>epic</c> or <c>issue</c>.</param>
/// <param name="Id">GitLab's id, as the backlog's <c>GitLabWorkItem</c> gives it.</param>
public sealed record CachedTitle(string Kind, string Id, string Iid, string Title, string WebUrl, string State, float[] Vector)
{
    public string WorkItemId => EmbeddingKeys.WorkItemId(Kind, Id);
}

/// <param name="Generation">Grows by one with every completed run.</param>
public sealed record EmbeddingRun(string Model, long Generation, int Count);

public static class EmbeddingKeys
{
    public static string WorkItemId(string kind, string id) => $"{kind}-{id}";

    public static string Key(ScopedProject project, string workItemId) => project.Key($"embeddings:{project.Id}:{workItemId}");

    public static string Titles(ScopedProject project) => project.Key($"embeddings:titles:{project.Id}");

    public static string Runs(ScopedProject project) => project.Key($"embeddings:runs:{project.Id}");
}
