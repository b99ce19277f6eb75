namespace GitLabBus.Contracts;

/// <summary>A project's title embeddings were replaced: <see cref="Cached"/> work items, by <see cref="Provider"/>'s
/// <see cref="Model"/>.</summary>
public record EmbeddingsCached
{
    public string OperationId { get; init; } = "";
    public long ProjectId { get; init; }
    public int Cached { get; init; }
    public string Provider { get; init; } = "";

    /// <summary>The provider and its model (<c>minilm/all-MiniLM-L6-v2</c>), recorded with every vector.</summary>
    public string Model { get; init; } = "";
    public int Dimensions { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
