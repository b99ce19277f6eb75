using System.Text.Json;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GitLabBus.Tests.Consumers.Embeddings;

/// <summary>The OpenAI SDK provider against a local HTTP stub that speaks the embeddings API, as OpenAI and as Azure OpenAI.</summary>
public sealed class When_an_openai_compatible_provider_embeds : IAsyncLifetime
{
    private const string Key = "sk-test-embedding-key-123";
    private readonly string _url = Ports.FreeLoopbackUrl();
    private readonly List<(string Path, string? Authorization, string? ApiKey, JsonElement Body)> _requests = [];
    private WebApplication _stub = null!;
    private int _status = 200;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_url);
        _stub = builder.Build();
        _stub.MapPost(
            "/{**path}",
            async (HttpContext http) =>
            {
                var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
                lock (_requests)
                {
                    _requests.Add(
                        (
                            http.Request.Path + http.Request.QueryString,
                            http.Request.Headers.Authorization.FirstOrDefault(),
                            http.Request.Headers["api-key"].FirstOrDefault(),
                            body
                        )
                    );
                }

                if (_status != 200)
                {
                    return Results.Json(
                        new { error = new { message = "quota exceeded", type = "insufficient_quota" } },
                        statusCode: _status
                    );
                }

                var inputs = body.GetProperty("input").EnumerateArray().Select(input => input.GetString()!).ToList();
                return Results.Json(
                    new
                    {
                        @object = "list",
                        model = body.GetProperty("model").GetString(),
                        data = inputs.Select(
                            (input, index) =>
                                new
                                {
                                    @object = "embedding",
                                    index,
                                    embedding = new[] { input.Length, index, 0.5f },
                                }
                        ),
                        usage = new { prompt_tokens = inputs.Count, total_tokens = inputs.Count },
                    }
                );
            }
        );
        await _stub.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _stub.StopAsync();
        await _stub.DisposeAsync();
    }

    [Fact]
    public async Task Should_call_openais_embeddings_api_with_a_bearer_key_and_keep_the_order()
    {
        var provider = new OpenAIEmbeddingProvider(Settings("openai", apiVersion: null));

        var vectors = await provider.EmbedAsync(["one", "three"], CancellationToken.None);

        var request = Assert.Single(_requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal($"Bearer {Key}", request.Authorization);
        Assert.Equal("text-embedding-3-small", request.Body.GetProperty("model").GetString());
        Assert.Equal(
            [
                [3f, 0f, 0.5f],
                [5f, 1f, 0.5f],
            ],
            vectors
        );
    }

    [Fact]
    public async Task Should_call_azures_deployment_with_the_api_key_header_and_version()
    {
        var provider = new OpenAIEmbeddingProvider(Settings("azure", apiVersion: "2024-10-21"));

        await provider.EmbedAsync(["one"], CancellationToken.None);

        var request = Assert.Single(_requests);
        Assert.Equal("/openai/deployments/titles/embeddings?api-version=2024-10-21", request.Path);
        Assert.Equal(Key, request.ApiKey);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task Should_report_a_refusal_as_embedding_unavailable_without_the_key()
    {
        _status = 400;
        var provider = new OpenAIEmbeddingProvider(Settings("openai", apiVersion: null));

        var failure = await Assert.ThrowsAsync<EmbeddingUnavailableException>(() => provider.EmbedAsync(["one"], CancellationToken.None));

        Assert.Contains("400", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, failure.ToString(), StringComparison.Ordinal);
    }

    private EmbeddingSettings Settings(string provider, string? apiVersion) =>
        new(
            provider,
            new Uri(provider == "azure" ? _url : $"{_url}/v1"),
            Key,
            apiVersion,
            "text-embedding-3-small",
            "titles",
            16,
            2,
            1,
            1_000
        );
}
