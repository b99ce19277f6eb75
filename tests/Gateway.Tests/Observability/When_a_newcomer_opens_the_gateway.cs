using System.Net;
using System.Text.Json;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Observability;

/// <summary>What someone opening the gateway in a browser finds: a page saying what it is and where to go, and an API
/// document that explains itself (tags, examples, the webhook's headers, health and metrics).</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_newcomer_opens_the_gateway : IClassFixture<GatewayFactory>
{
    private readonly HttpClient _client;

    public When_a_newcomer_opens_the_gateway(GatewayFactory gateway) => _client = gateway.CreateClient();

    [Fact]
    public async Task Should_find_a_landing_page_with_links_to_the_api_health_and_metrics()
    {
        using var response = await _client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        foreach (var link in new[] { "href=\"/docs\"", "href=\"/openapi/v1.json\"", "href=\"/health\"", "href=\"/metrics\"" })
        {
            Assert.Contains(link, page, StringComparison.Ordinal);
        }

        Assert.Contains("in-memory (embedded mode)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_read_an_api_document_with_described_tags_examples_webhook_headers_and_health()
    {
        var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;

        var tags = document.GetProperty("tags").EnumerateArray().ToList();
        Assert.Contains(tags, tag => tag.GetProperty("name").GetString() == "merge queue");
        Assert.All(tags, tag => Assert.False(string.IsNullOrWhiteSpace(tag.GetProperty("description").GetString())));
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/health", out _));
        Assert.True(paths.TryGetProperty("/metrics", out _));
        var webhook = paths.GetProperty("/webhooks/gitlab").GetProperty("post");
        var headers = webhook.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("X-Gitlab-Event", headers);
        Assert.Contains("X-Gitlab-Token", headers);
        var limit = paths
            .GetProperty("/webhooks/deliveries")
            .GetProperty("get")
            .GetProperty("parameters")
            .EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "limit");
        Assert.Equal("integer", limit.GetProperty("schema").GetProperty("type").GetString());
        var withBodies = paths
            .EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name} {path.Name}", Operation: op.Value)))
            .Where(op => op.Operation.TryGetProperty("requestBody", out _))
            .ToList();
        Assert.True(withBodies.Count >= 8, string.Join(", ", withBodies.Select(op => op.Name)));
        Assert.All(
            withBodies.Where(op => op.Name != "post /webhooks/gitlab"),
            op =>
                Assert.True(
                    op.Operation.GetProperty("requestBody")
                        .GetProperty("content")
                        .GetProperty("application/json")
                        .TryGetProperty("example", out _),
                    op.Name
                )
        );
    }

    [Fact]
    public async Task Should_serve_an_api_page_that_calls_no_third_party()
    {
        var page = await _client.GetStringAsync("/docs");

        Assert.Contains("\"hideClientButton\":true", page.Replace(" ", ""), StringComparison.Ordinal);
        Assert.DoesNotContain("\"agent\":{\"disabled\":false", page.Replace(" ", ""), StringComparison.Ordinal);
    }
}
