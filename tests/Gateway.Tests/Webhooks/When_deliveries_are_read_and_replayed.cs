using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Startup;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Webhooks;

[Collection(GatewayCollection.Name)]
public sealed class When_deliveries_are_read_and_replayed : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _anonymous;

    public When_deliveries_are_read_and_replayed(GatewayFactory gateway)
    {
        _gateway = gateway;
        _anonymous = gateway.CreateRecordingClient();
    }

    [Fact]
    public async Task Should_list_accepted_deliveries_newest_first()
    {
        var first = await (await _anonymous.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"))).DeliveryIdAsync();
        var second = await (await _anonymous.SendAsync(GitLabDelivery.Fixture("job.json", "Job Hook"))).DeliveryIdAsync();

        var response = await _gateway.ClientWithRoles(Roles.Viewer).GetAsync("/webhooks/deliveries?limit=500");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = (await response.JsonAsync())
            .GetProperty("deliveries")
            .EnumerateArray()
            .Select(d => d.GetProperty("delivery_id").GetGuid())
            .ToList();
        Assert.True(ids.IndexOf(second) < ids.IndexOf(first) && ids.IndexOf(second) >= 0);
    }

    [Fact]
    public async Task Should_show_a_caller_limited_to_some_projects_only_their_deliveries()
    {
        var ours = await (await _anonymous.SendAsync(GitLabDelivery.Request(Push(41)))).DeliveryIdAsync();
        var theirs = await (await _anonymous.SendAsync(GitLabDelivery.Request(Push(42)))).DeliveryIdAsync();
        using var limited = _gateway.ClientLimitedTo(41);

        var listed = (await (await limited.GetAsync("/webhooks/deliveries?limit=500")).JsonAsync())
            .GetProperty("deliveries")
            .EnumerateArray()
            .Select(d => d.GetProperty("delivery_id").GetGuid())
            .ToList();
        using var hidden = await limited.GetAsync($"/webhooks/deliveries/{theirs}");
        using var shown = await limited.GetAsync($"/webhooks/deliveries/{ours}");

        Assert.Contains(ours, listed);
        Assert.DoesNotContain(theirs, listed);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (hidden.StatusCode, shown.StatusCode));
    }

    private static string Push(long project) =>
        $$"""{"object_kind":"push","ref":"refs/heads/main","project":{"id":{{project}}},"commits":[]}""";

    [Fact]
    public async Task Should_show_one_delivery_with_its_headers_but_never_the_token()
    {
        var deliveryId = await (await _anonymous.SendAsync(GitLabDelivery.Fixture("pipeline.json", "Pipeline Hook"))).DeliveryIdAsync();

        var delivery = await (await _gateway.ClientWithRoles(Roles.Viewer).GetAsync($"/webhooks/deliveries/{deliveryId}")).JsonAsync();

        Assert.Equal("Pipeline Hook", delivery.GetProperty("event").GetString());
        Assert.Equal(31, delivery.GetProperty("payload").GetProperty("object_attributes").GetProperty("id").GetInt32());
        var headers = delivery.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
        Assert.Contains("X-Gitlab-Instance", headers, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Gitlab-Token", headers, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(GatewayFactory.WebhookSecret, delivery.GetRawText());
        Assert.True(delivery.TryGetProperty("received_at", out _));
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (
                    await (await _gateway.ClientWithRoles(Roles.Viewer).GetAsync($"/webhooks/deliveries/{deliveryId}")).JsonAsync()
                ).GetProperty("routed_to")
                    is { ValueKind: JsonValueKind.Array } routed
                && routed[0].GetString() == "PipelineStatusChanged"
            )
        );
    }

    [Theory]
    [InlineData("/webhooks/deliveries")]
    [InlineData("/webhooks/deliveries/7d1b0000-0000-0000-0000-000000000000")]
    public async Task Should_require_a_bearer_token(string path)
    {
        var response = await _anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_refuse_an_expired_token()
    {
        var expired = TokenIssuer.Issue(
            _gateway.Settings,
            "old",
            [Roles.Admin],
            TimeSpan.FromMinutes(5),
            DateTimeOffset.UtcNow.AddHours(-1)
        );
        var request = new HttpRequestMessage(HttpMethod.Get, "/webhooks/deliveries")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", expired) },
        };

        var response = await _anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_token_signed_with_another_key()
    {
        var foreign = new GatewaySettings { WebhookSecret = "x", JwtSecret = "another-secret-another-secret-another-secret" };
        var token = TokenIssuer.Issue(foreign, "intruder", [Roles.Admin], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        var request = new HttpRequestMessage(HttpMethod.Get, "/webhooks/deliveries")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        };

        var response = await _anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_token_without_any_known_role_with_403()
    {
        var response = await _gateway.ClientWithRoles("guest").GetAsync("/webhooks/deliveries");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.ProjectOwner)]
    [InlineData(Roles.PriorityManager)]
    public async Task Should_let_only_admins_replay(string role)
    {
        var deliveryId = await (await _anonymous.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"))).DeliveryIdAsync();

        var response = await _gateway.ClientWithRoles(role).PostAsync($"/webhooks/deliveries/{deliveryId}/replay", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Should_publish_the_delivery_again_marked_as_a_replay()
    {
        var deliveryId = await (
            await _anonymous.SendAsync(GitLabDelivery.Fixture("note_merge_request.json", "Note Hook"))
        ).DeliveryIdAsync();

        var response = await _gateway.ClientWithRoles(Roles.Admin).PostAsync($"/webhooks/deliveries/{deliveryId}/replay", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(deliveryId, await response.DeliveryIdAsync());
        var published = _gateway.Published.Where(p => p.Message.DeliveryId == deliveryId).ToList();
        Assert.Equal([false, true], published.Select(p => p.Message.Replayed));
        Assert.Equal(1244, published[1].Message.Payload.GetProperty("object_attributes").GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/webhooks/deliveries/7d1b0000-0000-0000-0000-000000000000")]
    [InlineData("GET", "/webhooks/deliveries/not-a-guid")]
    [InlineData("POST", "/webhooks/deliveries/7d1b0000-0000-0000-0000-000000000000/replay")]
    public async Task Should_answer_404_for_an_unknown_delivery(string method, string path)
    {
        var response = await _gateway.ClientWithRoles(Roles.Admin).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("ten")]
    public async Task Should_refuse_a_bad_limit_with_400(string limit)
    {
        var response = await _gateway.ClientWithRoles(Roles.Viewer).GetAsync($"/webhooks/deliveries?limit={limit}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await response.ErrorCodeAsync());
    }
}
