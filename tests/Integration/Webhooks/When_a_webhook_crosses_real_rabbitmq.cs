using System.Net;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Integration.Webhooks;

/// <summary>Gateway host → RabbitMQ → separate consumers host → typed event, with Redis as shared state.</summary>
public sealed class When_a_webhook_crosses_real_rabbitmq : IClassFixture<RunningHosts>
{
    private readonly RunningHosts _hosts;

    public When_a_webhook_crosses_real_rabbitmq(RunningHosts hosts) => _hosts = hosts;

    [Theory]
    [MemberData(nameof(GitLabFixtures.Cases), MemberType = typeof(GitLabFixtures))]
    public async Task Should_come_out_of_the_consumers_host_as_the_typed_event(string file, string eventName)
    {
        var client = _hosts.Gateway.CreateRecordingClient();
        var requestId = "it-" + Guid.NewGuid().ToString("N");
        var request = GitLabDelivery.Fixture(file, eventName);
        request.Headers.Add("X-Request-ID", requestId);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var routed = await _hosts.Probe.EventFor(await response.DeliveryIdAsync());
        Assert.Equal(requestId, routed.Headers.Get<string>("X-Request-ID"));
        Assert.Contains(routed.SupportedMessageTypes, urn => urn.StartsWith("urn:message:GitLabBus.Contracts:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_answer_a_redelivery_as_duplicate_from_redis_and_record_the_routing()
    {
        var client = _hosts.Gateway.CreateRecordingClient();
        var key = Guid.NewGuid().ToString();
        var first = await client.SendAsync(GitLabDelivery.Fixture("pipeline.json", "Pipeline Hook", key));
        var deliveryId = await first.DeliveryIdAsync();
        await _hosts.Probe.EventFor(deliveryId);

        var again = await client.SendAsync(GitLabDelivery.Fixture("pipeline.json", "Pipeline Hook", key));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(deliveryId, await again.DeliveryIdAsync());
        var reader = _hosts.Gateway.ClientWithRoles(Roles.Viewer);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await (await reader.GetAsync($"/webhooks/deliveries/{deliveryId}")).JsonAsync()).GetProperty("routed_to")
                    is { ValueKind: JsonValueKind.Array } routed
                && routed.GetArrayLength() == 1
                && routed[0].GetString() == "PipelineStatusChanged"
            )
        );
    }

    [Theory]
    [InlineData("""{"deliveryId":"{id}","eventName":"Push Hook","payload":{payload}}""")]
    [InlineData("""{"DeliveryId":"{id}","EventName":"Push Hook","Payload":{payload}}""")]
    public async Task Should_route_raw_json_published_by_a_plain_amqp_client(string template)
    {
        var deliveryId = Guid.NewGuid();
        var body = template.Replace("{id}", deliveryId.ToString()).Replace("{payload}", GitLabFixtures.Read("push.json"));

        await _hosts.Infrastructure.PublishRawAsync("GitLabBus.Contracts:WebhookReceived", body);

        var routed = await _hosts.Probe.EventFor(deliveryId);
        Assert.Equal(15, ((PushReceived)routed.GetType().GetProperty("Message")!.GetValue(routed)!).ProjectId);
    }

    [Fact]
    public async Task Should_put_an_invalid_raw_message_in_the_error_queue_with_the_reason_without_retrying()
    {
        var deliveryId = Guid.NewGuid();
        await _hosts.Infrastructure.PublishRawAsync(
            "GitLabBus.Contracts:WebhookReceived",
            """{"deliveryId":"ID","eventName":"Pipeline Hook","payload":{"object_kind":"pipeline","project":{"id":1}}}""".Replace(
                "ID",
                deliveryId.ToString()
            )
        );

        var faulted = await _hosts.Infrastructure.ReadErrorQueueAsync("webhook-router_error", deliveryId.ToString());

        Assert.Contains("object_attributes", faulted.Reason);
        Assert.True(
            faulted.RetryCount is null or "0",
            $"an invalid message must not be retried (MT-Fault-RetryCount={faulted.RetryCount})"
        );
    }

    [Fact]
    public async Task Should_declare_the_router_queue_as_a_quorum_queue()
    {
        var queue = await TestInfrastructure.QueueAsync(_hosts.Infrastructure.VirtualHost, "webhook-router");

        Assert.Equal("quorum", queue.GetProperty("type").GetString());
    }
}
