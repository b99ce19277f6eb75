using System.Net;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Observability;

[Collection(GatewayCollection.Name)]
public sealed class When_operators_look_at_the_gateway : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _client;

    public When_operators_look_at_the_gateway(GatewayFactory gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateRecordingClient();
    }

    [Theory]
    [InlineData("/health", new[] { "redis", "masstransit-bus", "gitlab", "embeddings" })]
    [InlineData("/health/gitlab", new[] { "gitlab" })]
    [InlineData("/health/embeddings", new[] { "embeddings" })]
    [InlineData("/health/ready", new[] { "redis", "masstransit-bus" })]
    [InlineData("/health/redis", new[] { "redis" })]
    [InlineData("/health/rabbitmq", new[] { "masstransit-bus" })]
    [InlineData("/health/live", new string[0])]
    public async Task Should_report_health_per_part(string path, string[] checks)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(checks.Order(), body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
    }

    [Fact]
    public async Task Should_expose_prometheus_metrics_counting_webhooks()
    {
        await _client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"));
        await GitLabDelivery.EventuallyAsync(() =>
            Task.FromResult(_gateway.Logs.Events.Any(e => e.MessageTemplate.Text.Contains("routed as")))
        );

        var metrics = await _client.GetStringAsync("/metrics");

        Assert.Contains("gitlab_webhook_events_total{", metrics);
        Assert.Contains("outcome=\"accepted\"", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
    }

    [Fact]
    public async Task Should_serve_the_openapi_document_and_the_docs_page()
    {
        var openApi = await (await _client.GetAsync("/openapi/v1.json")).JsonAsync();
        var docs = await _client.GetAsync("/docs");

        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/webhooks/gitlab", paths);
        Assert.Contains("/webhooks/deliveries/{delivery_id}/replay", paths);
        Assert.Equal(
            "bearer",
            openApi.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString()
        );
        var replay = openApi.GetProperty("paths").GetProperty("/webhooks/deliveries/{delivery_id}/replay").GetProperty("post");
        Assert.True(replay.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.False(openApi.GetProperty("paths").GetProperty("/webhooks/gitlab").GetProperty("post").TryGetProperty("security", out _));
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Should_answer_an_unknown_path_with_the_contract_error_body()
    {
        var response = await _client.GetAsync("/no/such/path");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await response.ErrorCodeAsync());
    }
}
