using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Which embedding provider computes title vectors, with the gitlab_client_service contract's variables. <c>EMBEDDINGS_PROVIDER</c> is
/// <c>minilm</c> (the offline sentence model) unless <c>OAI_BASE_URL</c> and <c>OAI_KEY</c> are set (then <c>openai</c>, or
/// <c>azure</c> when <c>OAI_API_VERSION</c> is set too); <c>local</c> is the fast hashing one.
/// </summary>
/// <param name="Threads"><c>EMBEDDINGS_THREADS</c>: the threads the minilm model computes on (default: the cores, at most 4).</param>
/// <param name="IndexMaxVectors"><c>EMBEDDINGS_INDEX_MAX_VECTORS</c> (250,000, about 370 MB at 384 dimensions): how many cached
/// vectors a consumers process keeps in memory for similarity searches, over all projects; a project larger than that is searched
/// from Redis page by page instead.</param>
public sealed record EmbeddingSettings(
    string Provider,
    Uri? BaseUrl,
    string? Key,
    string? ApiVersion,
    string Model,
    string? Deployment,
    int Batch,
    int Concurrency,
    int Threads,
    int IndexMaxVectors
)
{
    public static EmbeddingSettings Read(SettingsReader reader)
    {
        var baseUrl = reader.AbsoluteUri("OAI_BASE_URL", "http", "https");
        var key = reader.Optional("OAI_KEY");
        var apiVersion = reader.Optional("OAI_API_VERSION");
        var detected =
            baseUrl is not null && key is not null
                ? apiVersion is not null
                    ? "azure"
                    : "openai"
                : "minilm";
        var provider = (reader.Optional("EMBEDDINGS_PROVIDER") ?? detected).ToLowerInvariant();
        if (provider is not ("minilm" or "local" or "openai" or "azure"))
        {
            throw new InvalidSettingException("EMBEDDINGS_PROVIDER", "must be minilm, local, openai or azure");
        }

        if (provider is ("openai" or "azure") && (baseUrl is null || key is null))
        {
            throw new InvalidSettingException(
                baseUrl is null ? "OAI_BASE_URL" : "OAI_KEY",
                $"is required by the {provider} embedding provider"
            );
        }

        var model = reader.Optional("OAI_EMBED_MODEL_NAME") ?? "text-embedding-3-small";
        return new EmbeddingSettings(
            provider,
            baseUrl,
            key,
            apiVersion,
            model,
            reader.Optional("OAI_EMBED_DEPLOYMENT_NAME") ?? model,
            reader.Int("OAI_EMBED_BATCH", 16, 1, 2_048),
            reader.Int("OAI_EMBED_CONCURRENCY", 2, 1, 64),
            reader.Int("EMBEDDINGS_THREADS", Math.Min(Environment.ProcessorCount, 4), 1, 64),
            reader.Int("EMBEDDINGS_INDEX_MAX_VECTORS", 250_000, 1_000, 10_000_000)
        );
    }

    public override string ToString() =>
        $"EmbeddingSettings({Provider}, {BaseUrl?.Host ?? "-"}, model {Model}, batch {Batch}, concurrency {Concurrency})";
}
