using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Embeddings;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// OpenAI's embeddings API through the OpenAI .NET SDK, or Azure OpenAI's (<c>azure</c>): the same SDK pointed at
/// <c>{OAI_BASE_URL}/openai/deployments/{deployment}</c> with the <c>api-version</c> query and the <c>api-key</c>
/// header Azure expects. The SDK's own retries handle 429 and 5xx; what still fails is <see cref="EmbeddingUnavailableException"/>.
/// </summary>
public sealed class OpenAIEmbeddingProvider : IEmbeddingProvider
{
    private readonly EmbeddingClient _client;

    public OpenAIEmbeddingProvider(EmbeddingSettings settings)
    {
        Name = settings.Provider;
        var options = new OpenAIClientOptions { NetworkTimeout = TimeSpan.FromSeconds(60) };
        if (settings.Provider == "azure")
        {
            options.Endpoint = new Uri(
                $"{settings.BaseUrl!.ToString().TrimEnd('/')}/openai/deployments/{Uri.EscapeDataString(settings.Deployment!)}/"
            );
            options.AddPolicy(new AzureKeyPolicy(settings.Key!, settings.ApiVersion!), PipelinePosition.BeforeTransport);
        }
        else
        {
            options.Endpoint = settings.BaseUrl;
        }

        _client = new EmbeddingClient(
            settings.Provider == "azure" ? settings.Deployment : settings.Model,
            new ApiKeyCredential(settings.Key!),
            options
        );
    }

    public string Name { get; }

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

    /// <summary>Azure OpenAI authenticates with <c>api-key</c> (not a bearer token) and versions its API by query.</summary>
    private sealed class AzureKeyPolicy(string key, string apiVersion) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Prepare(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Prepare(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Prepare(PipelineMessage message)
        {
            message.Request.Headers.Remove("Authorization");
            message.Request.Headers.Set("api-key", key);
            var uri = message.Request.Uri!;
            message.Request.Uri = new Uri(
                uri + (string.IsNullOrEmpty(uri.Query) ? "?" : "&") + "api-version=" + Uri.EscapeDataString(apiVersion)
            );
        }
    }
}
