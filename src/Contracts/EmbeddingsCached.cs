namespace GitLabBus.Contracts;

/// <summary>A project's title embeddings were replaced: <see cref="Cached"/> work items, by <see cref="Provider"/>.</summary>
public record EmbeddingsCached
{
    public string OperationId { get; init; } = "";
    public long ProjectId { get; init; }
    public int Cached { get; init; }
    public string Provider { get; init; } = "";
    public int Dimensions { get; init; }
}
