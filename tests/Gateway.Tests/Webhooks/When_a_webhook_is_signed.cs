using System.Net;
using System.Security.Cryptography;
using GitLabBus.Gateway.Webhooks;
using GitLabBus.Tests.TestSupport.Gateway;
using StandardWebhooks;

namespace GitLabBus.Tests.Gateway.Webhooks;

/// <summary>
/// With GITLAB_WEBHOOK_SIGNING_TOKEN set, a delivery needs a Standard Webhooks signature over its id, time and body as
/// well as its X-Gitlab-Token; nothing unsigned, altered or older than 5 minutes is published.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_webhook_is_signed : IClassFixture<When_a_webhook_is_signed.Gateway>
{
    public static readonly string SigningToken = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public sealed class Gateway : IDisposable
    {
        public GatewayFactory Factory { get; } = new GatewayFactory().With("GITLAB_WEBHOOK_SIGNING_TOKEN", SigningToken);

        public void Dispose() => Factory.Dispose();
    }

    private const string Body = """{"object_kind":"push","ref":"refs/heads/main","project":{"id":1},"commits":[]}""";

    private readonly GatewayFactory _gateway;
    private readonly HttpClient _client;

    public When_a_webhook_is_signed(Gateway gateway)
    {
        _gateway = gateway.Factory;
        _client = _gateway.CreateRecordingClient();
    }

    [Fact]
    public async Task Should_accept_a_delivery_signed_with_the_signing_token()
    {
        using var response = await _client.SendAsync(Signed(Body, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = await response.DeliveryIdAsync();
        Assert.Single(_gateway.Published, published => published.Message.DeliveryId == id);
    }

    [Theory]
    [InlineData("unsigned", "the delivery must be signed")]
    [InlineData("altered", "signature does not hold")]
    [InlineData("old", "signature does not hold")]
    [InlineData("other-key", "signature does not hold")]
    public async Task Should_refuse_with_401_and_publish_nothing(string how, string because)
    {
        var key = Guid.NewGuid().ToString();
        var request = how switch
        {
            "unsigned" => GitLabDelivery.Request(Body, idempotencyKey: key),
            "altered" => Signed(Body, DateTimeOffset.UtcNow, key, sent: Body.Replace("main", "prod", StringComparison.Ordinal)),
            "old" => Signed(Body, DateTimeOffset.UtcNow.AddMinutes(-6), key),
            _ => Signed(
                Body,
                DateTimeOffset.UtcNow,
                key,
                signer: new StandardWebhook(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))
            ),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(
            because,
            (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
        Assert.DoesNotContain(_gateway.Published, published => published.Message.IdempotencyKey == key);
    }

    [Fact]
    public async Task Should_still_need_the_gitlab_token_beside_the_signature()
    {
        var request = Signed(Body, DateTimeOffset.UtcNow);
        request.Headers.Remove("X-Gitlab-Token");
        request.Headers.Add("X-Gitlab-Token", "not-the-secret");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static HttpRequestMessage Signed(
        string body,
        DateTimeOffset at,
        string? key = null,
        string? sent = null,
        StandardWebhook? signer = null
    )
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var request = GitLabDelivery.Request(sent ?? body, idempotencyKey: key);
        request.Headers.Add(WebhookSignature.Id, id);
        request.Headers.Add(WebhookSignature.Timestamp, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.Signature, (signer ?? new StandardWebhook(SigningToken)).Sign(id, at, body));
        return request;
    }
}
