using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Webhooks;

[Collection(GatewayCollection.Name)]
public sealed class When_a_webhook_arrives : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _client;

    public When_a_webhook_arrives(GatewayFactory gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateRecordingClient();
    }

    [Theory]
    [MemberData(nameof(GitLabFixtures.Cases), MemberType = typeof(GitLabFixtures))]
    public async Task Should_accept_every_gitlab_fixture_and_publish_it_once(string file, string eventName)
    {
        var response = await _client.SendAsync(GitLabDelivery.Fixture(file, eventName));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.False(body.GetProperty("duplicate").GetBoolean());
        var deliveryId = body.GetProperty("delivery_id").GetGuid();
        var published = Assert.Single(_gateway.Published, p => p.Message.DeliveryId == deliveryId);
        Assert.Equal(eventName, published.Message.EventName);
        Assert.True(published.Message.Payload.TryGetProperty("object_kind", out _));
    }

    [Fact]
    public async Task Should_answer_a_duplicate_with_200_and_the_first_id_without_publishing_again()
    {
        var key = Guid.NewGuid().ToString();
        var first = await _client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook", key));
        var firstId = await first.DeliveryIdAsync();

        var again = await _client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook", key));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.JsonAsync();
        Assert.True(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(firstId, body.GetProperty("delivery_id").GetGuid());
        Assert.Single(_gateway.Published, p => p.Message.IdempotencyKey == key);
    }

    [Fact]
    public async Task Should_fall_back_to_the_webhook_and_event_uuids_when_there_is_no_idempotency_key()
    {
        var (webhookUuid, eventUuid) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        HttpRequestMessage Delivery(string eventUuidHeader)
        {
            var request = GitLabDelivery.Fixture("issue.json", "Issue Hook");
            request.Headers.Remove("Idempotency-Key");
            request.Headers.Add("X-Gitlab-Webhook-UUID", webhookUuid);
            request.Headers.Add("X-Gitlab-Event-UUID", eventUuidHeader);
            return request;
        }

        var first = await _client.SendAsync(Delivery(eventUuid));
        var retry = await _client.SendAsync(Delivery(eventUuid));
        var otherEvent = await _client.SendAsync(Delivery(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.DeliveryIdAsync(), await retry.DeliveryIdAsync());
        Assert.Equal(HttpStatusCode.Accepted, otherEvent.StatusCode);
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Should_refuse_a_missing_or_wrong_token_with_401_and_publish_nothing(string? token)
    {
        var key = Guid.NewGuid().ToString();

        var response = await _client.SendAsync(GitLabDelivery.Request("""{"object_kind":"push"}""", token: token, idempotencyKey: key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await response.ErrorCodeAsync());
        Assert.DoesNotContain(_gateway.Published, p => p.Message.IdempotencyKey == key);
    }

    [Fact]
    public async Task Should_check_the_token_before_looking_at_the_body()
    {
        var response = await _client.SendAsync(GitLabDelivery.Request("{", token: "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_30_MB_body_with_413()
    {
        var body = new string(' ', 30_000_000);

        var response = await _client.SendAsync(GitLabDelivery.Request(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_refuse_an_oversized_chunked_body_with_413()
    {
        var request = GitLabDelivery.Request("{}");
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + new string('1', 26_214_400) + "]")));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"title\":\"\\ud800\"}")]
    [InlineData("")]
    public async Task Should_refuse_a_body_that_is_not_a_json_object_with_400(string body)
    {
        var response = await _client.SendAsync(GitLabDelivery.Request(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_refuse_a_delivery_without_an_event_header_with_400()
    {
        var response = await _client.SendAsync(GitLabDelivery.Request("""{"object_kind":"push"}""", eventName: null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Gitlab-Event", (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Should_accept_an_unknown_kind_and_record_it_as_routed_nowhere()
    {
        var accepted = await _client.SendAsync(
            GitLabDelivery.Request("""{"object_kind":"deployment","project":{"id":1}}""", "Deployment Hook")
        );
        var deliveryId = await accepted.DeliveryIdAsync();
        var reader = _gateway.ClientWithRoles(Roles.Viewer);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
            {
                var delivery = await (await reader.GetAsync($"/webhooks/deliveries/{deliveryId}")).JsonAsync();
                return delivery.GetProperty("routed_to").ValueKind == System.Text.Json.JsonValueKind.Array
                    && delivery.GetProperty("routed_to").GetArrayLength() == 0;
            })
        );
    }
}
