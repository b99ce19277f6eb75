using GitLabBus.Consumers.GitLabAccess;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Texts compared with a project's cached titles: embedded by the provider the consumers run now, and compared only with titles
/// that the same model embedded (a vector of another model, or another size, means nothing next to them).
/// </summary>
public sealed class SimilarWorkItemSearch(IEmbeddingProvider provider, IEmbeddingCache cache, SimilarityIndex index)
{
    public string Model => provider.Model;

    /// <summary>For each text, its best matches; or why there can be none (the project's cache is missing or of another model).</summary>
    /// <exception cref="EmbeddingUnavailableException">The provider could not embed the texts.</exception>
    public async Task<(IReadOnlyList<IReadOnlyList<SimilarTitle>>? Matches, string? Unavailable)> FindAsync(
        ScopedProject projectId,
        IReadOnlyList<string> texts,
        int limit,
        float minScore,
        Func<CachedTitle, bool>? include,
        CancellationToken cancellationToken
    )
    {
        var run = await cache.LastRunAsync(projectId, cancellationToken);
        if (run is null)
        {
            return (null, $"project {projectId.Id} has no cached title embeddings: POST {projectId.ApiPath}/cache-embeddings first");
        }

        if (run.Model != provider.Model)
        {
            return (
                null,
                $"the title embeddings of project {projectId.Id} were made by {run.Model}, and texts are embedded by {provider.Model} now: "
                    + $"POST {projectId.ApiPath}/cache-embeddings to make them again"
            );
        }

        var vectors = (await provider.EmbedAsync(texts, cancellationToken)).Normalised();
        return (await index.SearchAsync(projectId, run, vectors, limit, minScore, include, cancellationToken), null);
    }
}
