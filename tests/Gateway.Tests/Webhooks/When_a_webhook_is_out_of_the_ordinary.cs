using System.Net;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Webhooks;

/// <summary>
/// What an unauthenticated sender can put into the webhook endpoint and how little of it stays: refused deliveries close
/// their connection, a made-up event name cannot forge a log line nor grow the metrics, and only GitLab's headers are kept.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_webhook_is_out_of_the_ordinary : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _client;

    public When_a_webhook_is_out_of_the_ordinary(GatewayFactory gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateRecordingClient();
    }

    [Fact]
    public async Task Should_close_the_connection_of_a_delivery_refused_for_its_token()
    {
        using var response = await _client.SendAsync(GitLabDelivery.Request("""{"object_kind":"push"}""", token: "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose);
    }

    [Fact]
    public async Task Should_close_the_connection_of_a_delivery_refused_for_its_size()
    {
        using var response = await _client.SendAsync(GitLabDelivery.Request(new string(' ', 26_214_401)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose);
    }

    [Fact]
    public async Task Should_keep_a_made_up_event_name_escaped_cut_and_counted_as_other()
    {
        // HTTP forbids line breaks in a header; other control characters (a terminal's escapes, backspaces) pass.
        var forged = "Push Hook\u001b[2K\b\b[12:00:00 INF] admin logged in" + new string('x', 500);

        using var accepted = await _client.SendAsync(GitLabDelivery.Request("""{"object_kind":"push","project":{"id":1}}""", forged));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var delivery = await (
            await _gateway.ClientWithRoles(Roles.Viewer).GetAsync($"/webhooks/deliveries/{await accepted.DeliveryIdAsync()}")
        ).JsonAsync();
        var kept = delivery.GetProperty("event").GetString()!;
        Assert.StartsWith("Push Hook\\u001B[2K\\u0008\\u0008[12:00:00 INF]", kept, StringComparison.Ordinal);
        Assert.True(kept.Length <= 100, kept);
        Assert.DoesNotContain(_gateway.Logs.Events, e => e.RenderMessage().Any(char.IsControl));
        var metrics = await _client.GetStringAsync("/metrics");
        Assert.Contains("event=\"other\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("admin logged in", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_record_a_delivery_the_router_refused_as_failed_with_the_reason()
    {
        using var accepted = await _client.SendAsync(
            GitLabDelivery.Request(
                """{"object_kind":"merge_request","project":{"id":-1},"object_attributes":{"iid":1}}""",
                "Merge Request Hook"
            )
        );
        var reader = _gateway.ClientWithRoles(Roles.Viewer);
        var path = $"/webhooks/deliveries/{await accepted.DeliveryIdAsync()}";

        JsonElement delivery = default;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (delivery = await (await reader.GetAsync(path)).JsonAsync()).GetProperty("status").GetString() == "failed"
            )
        );
        Assert.Contains("not a GitLab project id", delivery.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("routed_to").ValueKind);
    }

    [Fact]
    public async Task Should_keep_only_gitlabs_headers_of_a_delivery()
    {
        var request = GitLabDelivery.Request("""{"object_kind":"push","project":{"id":1}}""");
        request.Headers.Add("X-Api-Key", "api-key-a-proxy-added");
        request.Headers.Add("X-Gitlab-Event-UUID", Guid.NewGuid().ToString());

        using var accepted = await _client.SendAsync(request);

        var delivery = await (
            await _gateway.ClientWithRoles(Roles.Viewer).GetAsync($"/webhooks/deliveries/{await accepted.DeliveryIdAsync()}")
        ).JsonAsync();
        var headers = delivery.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
        Assert.Contains("X-Gitlab-Event-UUID", headers, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("X-Gitlab-Instance", headers, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Api-Key", headers, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Gitlab-Token", headers, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("api-key-a-proxy-added", delivery.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(_gateway.Published, p => JsonSerializer.Serialize(p.Message).Contains("api-key-a-proxy-added"));
    }
}
