namespace GitLabBus.Contracts;

/// <summary>
/// Compute the title embedding of every epic and issue of a project and replace its cached vectors. Progress goes to
/// the operation and to the Redis channel <c>${EMBEDDINGS_PUBSUB_PREFIX}{project_id}</c>; the end is <see cref="EmbeddingsCached"/>.
/// </summary>
public record CacheEmbeddingsRequested
{
    public string OperationId { get; init; } = "";

    /// <summary>A numeric id or a path, as GitLab's <c>:id</c> takes.</summary>
    public string ProjectId { get; init; } = "";
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
