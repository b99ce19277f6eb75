using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Observability;

[Collection(GatewayCollection.Name)]
public sealed class When_a_request_carries_an_x_request_id : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _client;

    public When_a_request_carries_an_x_request_id(GatewayFactory gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateRecordingClient();
    }

    [Fact]
    public async Task Should_echo_it_publish_it_and_log_it_through_the_routed_work()
    {
        var requestId = "req-" + Guid.NewGuid().ToString("N");
        var request = GitLabDelivery.Fixture("merge_request.json", "Merge Request Hook");
        request.Headers.Add("X-Request-ID", requestId);

        var response = await _client.SendAsync(request);
        var deliveryId = await response.DeliveryIdAsync();

        Assert.Equal(requestId, response.Headers.GetValues("X-Request-ID").Single());
        var published = Assert.Single(_gateway.Published, p => p.Message.DeliveryId == deliveryId);
        Assert.Equal(requestId, published.Headers.Get<string>("X-Request-ID"));
        Assert.True(
            await GitLabDelivery.EventuallyAsync(() =>
                Task.FromResult(
                    _gateway.Logs.Events.Any(e =>
                        e.MessageTemplate.Text.Contains("routed as") && e.Properties["RequestId"].ToString() == $"\"{requestId}\""
                    )
                )
            )
        );
    }

    [Fact]
    public async Task Should_make_one_when_the_caller_sent_none_or_an_unusable_one()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Request-ID", new string('x', 500));

        var generated = (await _client.GetAsync("/health/live")).Headers.GetValues("X-Request-ID").Single();
        var replaced = (await _client.SendAsync(request)).Headers.GetValues("X-Request-ID").Single();

        Assert.Matches("^[0-9a-f]{32}$", generated);
        Assert.Matches("^[0-9a-f]{32}$", replaced);
    }
}
