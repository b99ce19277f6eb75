using System.Text.Json;
using GitLabBus.Consumers;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Webhooks;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Webhooks;

/// <summary>The router on MassTransit's in-memory test harness, with the production endpoint policy.</summary>
public sealed class When_the_router_consumes_a_webhook : IAsyncLifetime
{
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    private IServiceProvider Services => _embedded.Services;

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync((services, settings) => services.AddConsumersRole(settings));

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_publish_the_typed_event_and_record_where_it_went()
    {
        var store = Services.GetRequiredService<IWebhookDeliveryStore>();
        var delivery = await StoredDeliveryAsync(store, "Merge Request Hook", GitLabFixtures.Read("merge_request.json"));

        await Harness.Bus.Publish(ToMessage(delivery));

        Assert.True(await Harness.Published.Any<MergeRequestChanged>(m => m.Context.Message.DeliveryId == delivery.DeliveryId));
        Assert.Equal(["MergeRequestChanged"], (await store.GetAsync(delivery.DeliveryId, CancellationToken.None))!.RoutedTo);
    }

    [Fact]
    public async Task Should_record_an_unknown_kind_as_routed_nowhere()
    {
        var store = Services.GetRequiredService<IWebhookDeliveryStore>();
        var delivery = await StoredDeliveryAsync(store, "Deployment Hook", """{"object_kind":"deployment","project":{"id":1}}""");

        await Harness.Bus.Publish(ToMessage(delivery));

        Assert.True(await Harness.GetConsumerHarness<WebhookRouterConsumer>().Consumed.Any<WebhookReceived>());
        Assert.Empty((await store.GetAsync(delivery.DeliveryId, CancellationToken.None))!.RoutedTo!);
        Assert.False(await Harness.Published.Any<MergeRequestChanged>());
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
        var delivery = await StoredDeliveryAsync(Services.GetRequiredService<IWebhookDeliveryStore>(), "Push Hook", GitLabFixtures.Read("push.json"));

        await Harness.Bus.Publish(ToMessage(delivery), context => context.Headers.Set("X-Request-ID", "req-42"));

        var push = await Harness.Published.SelectAsync<PushReceived>().FirstOrDefault();
        Assert.NotNull(push);
        Assert.Equal("req-42", push.Context.Headers.Get<string>("X-Request-ID"));
    }

    private static async Task<WebhookDelivery> StoredDeliveryAsync(IWebhookDeliveryStore store, string eventName, string payload)
    {
        var delivery = new WebhookDelivery
        {
            DeliveryId = NewId.NextGuid(),
            EventName = eventName,
            Headers = new Dictionary<string, string>(),
            Payload = JsonSerializer.Deserialize<JsonElement>(payload),
            ReceivedAt = DateTimeOffset.UtcNow,
        };
        await store.ClaimAsync(delivery, null, CancellationToken.None);
        return delivery;
    }

    private static WebhookReceived ToMessage(WebhookDelivery delivery) => new()
    {
        DeliveryId = delivery.DeliveryId,
        EventName = delivery.EventName,
        Payload = delivery.Payload,
        ReceivedAt = delivery.ReceivedAt,
    };
}
