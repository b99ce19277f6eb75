using System.ClientModel;
using GitLabBus.Consumers.OpenAIAccess;
using OpenAI.Embeddings;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// OpenAI's embeddings API through the OpenAI .NET SDK, or Azure OpenAI's (<c>azure</c>; see <see cref="OpenAIConnection"/>).
/// The SDK's own retries handle 429 and 5xx; what still fails is <see cref="EmbeddingUnavailableException"/>.
/// </summary>
public sealed class OpenAIEmbeddingProvider : IEmbeddingProvider
{
    private readonly EmbeddingClient _client;

    public OpenAIEmbeddingProvider(EmbeddingSettings settings)
    {
        Name = settings.Provider;
        Model = $"{settings.Provider}/{(settings.Provider == "azure" ? settings.Deployment : settings.Model)}";
        var options = OpenAIConnection.Options(
            settings.BaseUrl!,
            settings.Key!,
            settings.Provider == "azure" ? settings.Deployment : null,
            settings.ApiVersion,
            TimeSpan.FromSeconds(60)
        );
        _client = new EmbeddingClient(
            settings.Provider == "azure" ? settings.Deployment : settings.Model,
            new ApiKeyCredential(settings.Key!),
            options
        );
    }

    public string Name { get; }

    public string Model { get; }

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _client.GenerateEmbeddingsAsync(texts, cancellationToken: cancellationToken);
            return [.. result.Value.OrderBy(embedding => embedding.Index).Select(embedding => embedding.ToFloats().ToArray())];
        }
        catch (ClientResultException refused)
        {
            throw new EmbeddingUnavailableException($"the {Name} embedding provider answered {refused.Status}", refused);
        }
        catch (HttpRequestException unreachable)
        {
            throw new EmbeddingUnavailableException(
                $"the {Name} embedding provider could not be reached ({unreachable.HttpRequestError})",
                unreachable
            );
        }
    }
}
