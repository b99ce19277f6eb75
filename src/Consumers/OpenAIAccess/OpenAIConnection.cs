using System.ClientModel.Primitives;
using OpenAI;

namespace GitLabBus.Consumers.OpenAIAccess;

/// <summary>
/// How the OpenAI SDK reaches OpenAI, an OpenAI-compatible server (Ollama, vLLM), or Azure OpenAI: Azure is the same SDK
/// pointed at <c>{OAI_BASE_URL}/openai/deployments/{deployment}</c>, with the <c>api-version</c> query and the
/// <c>api-key</c> header it expects instead of a bearer token. Embeddings and reviews share it.
/// </summary>
public static class OpenAIConnection
{
    public static OpenAIClientOptions Options(Uri baseUrl, string key, string? azureDeployment, string? apiVersion, TimeSpan timeout)
    {
        var options = new OpenAIClientOptions { NetworkTimeout = timeout };
        if (azureDeployment is not null && apiVersion is not null)
        {
            options.Endpoint = new Uri($"{baseUrl.ToString().TrimEnd('/')}/openai/deployments/{Uri.EscapeDataString(azureDeployment)}/");
            options.AddPolicy(new AzureKeyPolicy(key, apiVersion), PipelinePosition.BeforeTransport);
        }
        else
        {
            options.Endpoint = baseUrl;
        }

        return options;
    }

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
