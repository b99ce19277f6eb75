using System.Text.Json;
using GitLabBus.Consumers;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using MassTransit.Testing;

namespace GitLabBus.Tests.Consumers.Webhooks;

/// <summary>The router on MassTransit's in-memory test harness, with the production endpoint policy.</summary>
public sealed class When_the_router_consumes_a_webhook : IAsyncLifetime
{
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync((services, settings) => services.AddConsumersRole(settings));

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_publish_the_typed_event_and_say_where_it_went()
    {
        var delivery = Delivery("Merge Request Hook", GitLabFixtures.Read("merge_request.json"));

        await Harness.Bus.Publish(delivery);

        Assert.True(await Harness.Published.Any<MergeRequestChanged>(m => m.Context.Message.DeliveryId == delivery.DeliveryId));
        var routed = await Harness
            .Published.SelectAsync<WebhookRouted>(m => m.Context.Message.DeliveryId == delivery.DeliveryId)
            .FirstOrDefault();
        Assert.Equal(["MergeRequestChanged"], routed?.Context.Message.RoutedTo);
    }

    [Fact]
    public async Task Should_say_an_unknown_kind_went_nowhere()
    {
        var delivery = Delivery("Deployment Hook", """{"object_kind":"deployment","project":{"id":1}}""");

        await Harness.Bus.Publish(delivery);

        var routed = await Harness
            .Published.SelectAsync<WebhookRouted>(m => m.Context.Message.DeliveryId == delivery.DeliveryId)
            .FirstOrDefault();
        Assert.NotNull(routed);
        Assert.Empty(routed.Context.Message.RoutedTo);
        Assert.False(await Harness.Published.Any<MergeRequestChanged>());
    }

    [Fact]
    public async Task Should_route_an_organisations_delivery_as_its_own_since_its_projects_are_of_another_GitLab()
    {
        var delivery = Delivery("Merge Request Hook", GitLabFixtures.Read("merge_request.json")) with { OrgId = "acme" };

        await Harness.Bus.Publish(delivery);

        var routed = await Harness
            .Published.SelectAsync<WebhookRouted>(m => m.Context.Message.DeliveryId == delivery.DeliveryId)
            .FirstOrDefault();
        Assert.NotNull(routed);
        Assert.Equal([nameof(OrgWebhookReceived)], routed.Context.Message.RoutedTo);
        var passedOn = await Harness
            .Published.SelectAsync<OrgWebhookReceived>(m => m.Context.Message.DeliveryId == delivery.DeliveryId)
            .FirstOrDefault();
        Assert.Equal(("acme", "Merge Request Hook"), (passedOn!.Context.Message.OrgId, passedOn.Context.Message.EventName));
        Assert.False(await Harness.Published.Any<MergeRequestChanged>(m => m.Context.Message.DeliveryId == delivery.DeliveryId));
    }

    [Theory]
    [InlineData("Pipeline Hook", "pipeline.json", nameof(PipelineStatusChanged))]
    [InlineData("Job Hook", "job.json", nameof(JobStatusChanged))]
    public async Task Should_route_an_organisations_pipeline_and_job_hooks_typed_with_its_id_for_its_pipeline_monitors(
        string eventName,
        string fixture,
        string eventType
    )
    {
        var delivery = Delivery(eventName, GitLabFixtures.Read(fixture)) with { OrgId = "acme" };

        await Harness.Bus.Publish(delivery);

        var routed = await Harness
            .Published.SelectAsync<WebhookRouted>(m => m.Context.Message.DeliveryId == delivery.DeliveryId)
            .FirstOrDefault();
        Assert.NotNull(routed);
        Assert.Equal([nameof(OrgWebhookReceived), eventType], routed.Context.Message.RoutedTo);
        Assert.True(await Harness.Published.Any<OrgWebhookReceived>(m => m.Context.Message.DeliveryId == delivery.DeliveryId));
        var orgOfTyped =
            eventType == nameof(PipelineStatusChanged)
                ? (
                    await Harness
                        .Published.SelectAsync<PipelineStatusChanged>(m => m.Context.Message.DeliveryId == delivery.DeliveryId)
                        .First()
                )
                    .Context
                    .Message
                    .OrgId
                : (await Harness.Published.SelectAsync<JobStatusChanged>(m => m.Context.Message.DeliveryId == delivery.DeliveryId).First())
                    .Context
                    .Message
                    .OrgId;
        Assert.Equal("acme", orgOfTyped);
    }

    [Fact]
    public async Task Should_fault_an_invalid_payload_with_the_reason()
    {
        var message = new WebhookReceived
        {
            DeliveryId = Guid.NewGuid(),
            EventName = "Pipeline Hook",
            Payload = JsonSerializer.Deserialize<JsonElement>("""{"object_kind":"pipeline","project":{"id":1}}"""),
        };

        await Harness.Bus.Publish(message);

        var fault = await Harness.Published.SelectAsync<Fault<WebhookReceived>>().FirstOrDefault();
        Assert.NotNull(fault);
        Assert.Contains("object_attributes", fault.Context.Message.Exceptions[0].Message);
        Assert.Equal(typeof(InvalidMessageException).FullName, fault.Context.Message.Exceptions[0].ExceptionType);
    }

    [Fact]
    public async Task Should_carry_the_request_id_onto_the_typed_event()
    {
        var delivery = Delivery("Push Hook", GitLabFixtures.Read("push.json"));

        await Harness.Bus.Publish(delivery, context => context.Headers.Set("X-Request-ID", "req-42"));

        var push = await Harness.Published.SelectAsync<PushReceived>().FirstOrDefault();
        Assert.NotNull(push);
        Assert.Equal("req-42", push.Context.Headers.Get<string>("X-Request-ID"));
    }

    private static WebhookReceived Delivery(string eventName, string payload) =>
        new()
        {
            DeliveryId = NewId.NextGuid(),
            EventName = eventName,
            Payload = JsonSerializer.Deserialize<JsonElement>(payload),
            ReceivedAt = DateTimeOffset.UtcNow,
        };
}
