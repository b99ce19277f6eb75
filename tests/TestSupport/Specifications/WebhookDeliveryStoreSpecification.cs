using System.Text.Json;
using GitLabBus.Gateway.Webhooks;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>
/// What every <see cref="IWebhookDeliveryStore"/> must do. The in-memory store runs it here; the Redis store
/// runs the same specification against a real Redis in the integration tests.
/// </summary>
public abstract class WebhookDeliveryStoreSpecification
{
    protected static readonly WebhookSettings Settings = new() { MaxDeliveries = 10 };

    protected DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<IWebhookDeliveryStore> CreateStoreAsync(WebhookSettings settings);

    [Fact]
    public async Task A_first_claim_of_a_key_is_granted()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery();

        var claim = await store.ClaimAsync(delivery, "key-1", CancellationToken.None);

        Assert.Equal(new DeliveryClaim(ClaimOutcome.Claimed, delivery.DeliveryId), claim);
    }

    [Fact]
    public async Task A_second_claim_before_the_first_is_confirmed_is_in_flight()
    {
        var store = await CreateStoreAsync(Settings);
        var first = NewDelivery();
        await store.ClaimAsync(first, "key-1", CancellationToken.None);

        var second = await store.ClaimAsync(NewDelivery(), "key-1", CancellationToken.None);

        Assert.Equal(new DeliveryClaim(ClaimOutcome.InFlight, first.DeliveryId), second);
    }

    [Fact]
    public async Task A_claim_after_confirm_is_a_duplicate_of_the_first_delivery()
    {
        var store = await CreateStoreAsync(Settings);
        var first = NewDelivery();
        await store.ClaimAsync(first, "key-1", CancellationToken.None);
        await store.ConfirmAsync(first.DeliveryId, "key-1", CancellationToken.None);

        var again = await store.ClaimAsync(NewDelivery(), "key-1", CancellationToken.None);

        Assert.Equal(new DeliveryClaim(ClaimOutcome.Duplicate, first.DeliveryId), again);
        Assert.Single(await store.ListAsync(50, CancellationToken.None));
    }

    [Fact]
    public async Task A_released_claim_lets_the_retry_through_and_forgets_the_delivery()
    {
        var store = await CreateStoreAsync(Settings);
        var failed = NewDelivery();
        await store.ClaimAsync(failed, "key-1", CancellationToken.None);
        await store.ReleaseAsync(failed.DeliveryId, "key-1", CancellationToken.None);

        var retry = NewDelivery();
        var claim = await store.ClaimAsync(retry, "key-1", CancellationToken.None);

        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Null(await store.GetAsync(failed.DeliveryId, CancellationToken.None));
        Assert.Equal([retry.DeliveryId], (await store.ListAsync(50, CancellationToken.None)).Select(d => d.DeliveryId));
    }

    [Fact]
    public async Task Deliveries_without_a_key_are_always_claimed()
    {
        var store = await CreateStoreAsync(Settings);

        var first = await store.ClaimAsync(NewDelivery(), null, CancellationToken.None);
        var second = await store.ClaimAsync(NewDelivery(), null, CancellationToken.None);

        Assert.Equal(ClaimOutcome.Claimed, first.Outcome);
        Assert.Equal(ClaimOutcome.Claimed, second.Outcome);
        Assert.NotEqual(first.DeliveryId, second.DeliveryId);
    }

    [Fact]
    public async Task A_stored_delivery_keeps_headers_payload_and_status()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery("""{"object_kind":"push","nested":{"n":[1,2,3]}}""");
        await store.ClaimAsync(delivery, "key-1", CancellationToken.None);
        var pending = await store.GetAsync(delivery.DeliveryId, CancellationToken.None);
        await store.ConfirmAsync(delivery.DeliveryId, "key-1", CancellationToken.None);

        var stored = await store.GetAsync(delivery.DeliveryId, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, pending!.Status);
        Assert.NotNull(stored);
        Assert.Equal(DeliveryStatus.Accepted, stored.Status);
        Assert.Equal("Push Hook", stored.EventName);
        Assert.Equal("abc-123", stored.Headers["X-Gitlab-Event-UUID"]);
        Assert.Equal(delivery.ReceivedAt, stored.ReceivedAt);
        Assert.Equal(3, stored.Payload.GetProperty("nested").GetProperty("n").GetArrayLength());
        Assert.Null(stored.RoutedTo);
    }

    [Fact]
    public async Task The_log_lists_newest_first_up_to_the_limit_without_payloads()
    {
        var store = await CreateStoreAsync(Settings);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            Now = Now.AddSeconds(1);
            var delivery = NewDelivery();
            ids.Add(delivery.DeliveryId);
            await store.ClaimAsync(delivery, $"key-{i}", CancellationToken.None);
        }

        var page = await store.ListAsync(3, CancellationToken.None);

        Assert.Equal(ids.AsEnumerable().Reverse().Take(3), page.Select(d => d.DeliveryId));
        Assert.All(page, d => Assert.Equal(JsonValueKind.Undefined, d.Payload.ValueKind));
    }

    [Fact]
    public async Task The_log_keeps_at_most_the_configured_number_of_deliveries()
    {
        var store = await CreateStoreAsync(Settings);
        var ids = new List<Guid>();
        for (var i = 0; i < Settings.MaxDeliveries + 3; i++)
        {
            Now = Now.AddSeconds(1);
            var delivery = NewDelivery();
            ids.Add(delivery.DeliveryId);
            await store.ClaimAsync(delivery, null, CancellationToken.None);
        }

        var page = await store.ListAsync(100, CancellationToken.None);

        Assert.Equal(Settings.MaxDeliveries, page.Count);
        Assert.DoesNotContain(ids[0], page.Select(d => d.DeliveryId));
    }

    [Fact]
    public async Task Routing_is_recorded_on_the_delivery_and_ignored_for_unknown_ones()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery();
        await store.ClaimAsync(delivery, null, CancellationToken.None);

        await store.MarkRoutedAsync(delivery.DeliveryId, ["PushReceived"], CancellationToken.None);
        await store.MarkRoutedAsync(Guid.NewGuid(), ["PushReceived"], CancellationToken.None);

        Assert.Equal(["PushReceived"], (await store.GetAsync(delivery.DeliveryId, CancellationToken.None))!.RoutedTo);
        Assert.Single(await store.ListAsync(50, CancellationToken.None));
    }

    [Fact]
    public async Task A_delivery_dropped_from_the_log_is_gone_not_only_unlisted()
    {
        var store = await CreateStoreAsync(Settings);
        var first = NewDelivery();
        await store.ClaimAsync(first, null, CancellationToken.None);
        for (var i = 0; i < Settings.MaxDeliveries; i++)
        {
            Now = Now.AddSeconds(1);
            await store.ClaimAsync(NewDelivery(), null, CancellationToken.None);
        }

        Assert.Null(await store.GetAsync(first.DeliveryId, CancellationToken.None));
    }

    [Fact]
    public async Task The_log_keeps_at_most_the_configured_payload_bytes_dropping_the_oldest()
    {
        var settings = Settings with { MaxStoredBytes = 3_500 };
        var store = await CreateStoreAsync(settings);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            Now = Now.AddSeconds(1);
            var delivery = NewDelivery($$"""{"object_kind":"push","padding":"{{new string('p', 1_000)}}"}""").ForLog(4_096);
            ids.Add(delivery.DeliveryId);
            await store.ClaimAsync(delivery, null, CancellationToken.None);
        }

        var kept = (await store.ListAsync(50, CancellationToken.None)).Select(d => d.DeliveryId).ToList();

        Assert.Equal(ids.AsEnumerable().Reverse().Take(3), kept);
        Assert.Null(await store.GetAsync(ids[0], CancellationToken.None));
        Assert.NotNull(await store.GetAsync(ids[4], CancellationToken.None));
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_kept_cut_and_marked_truncated()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery($$"""{"object_kind":"push","padding":"{{new string('p', 5_000)}}"}""").ForLog(1_024);

        await store.ClaimAsync(delivery, null, CancellationToken.None);

        var stored = (await store.GetAsync(delivery.DeliveryId, CancellationToken.None))!;
        Assert.True(stored.Truncated);
        Assert.Equal(5_035, stored.PayloadBytes);
        Assert.Equal(JsonValueKind.String, stored.Payload.ValueKind);
        Assert.Equal(1_024, stored.Payload.GetString()!.Length);
        Assert.StartsWith("{\"object_kind\":\"push\"", stored.Payload.GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_the_router_refused_is_failed_with_the_reason_even_when_confirmed_after()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery();
        await store.ClaimAsync(delivery, null, CancellationToken.None);

        await store.MarkFailedAsync(delivery.DeliveryId, "payload names no project", CancellationToken.None);
        await store.ConfirmAsync(delivery.DeliveryId, null, CancellationToken.None);
        await store.MarkFailedAsync(Guid.NewGuid(), "unknown", CancellationToken.None);

        var stored = (await store.GetAsync(delivery.DeliveryId, CancellationToken.None))!;
        Assert.Equal((DeliveryStatus.Failed, "payload names no project"), (stored.Status, stored.Failure));
        Assert.Equal("payload names no project", Assert.Single(await store.ListAsync(50, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task The_project_of_a_delivery_is_kept_for_the_list_and_the_view()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery() with { ProjectId = 41 };
        await store.ClaimAsync(delivery, "key-project", CancellationToken.None);

        var listed = Assert.Single(await store.ListAsync(10, CancellationToken.None), d => d.DeliveryId == delivery.DeliveryId);
        var read = await store.GetAsync(delivery.DeliveryId, CancellationToken.None);

        Assert.Equal((41L, 41L), (listed.ProjectId, read!.ProjectId));
    }

    protected WebhookDelivery NewDelivery(string payload = """{"object_kind":"push"}""") =>
        new()
        {
            DeliveryId = Guid.NewGuid(),
            EventName = "Push Hook",
            Headers = new Dictionary<string, string> { ["X-Gitlab-Event"] = "Push Hook", ["X-Gitlab-Event-UUID"] = "abc-123" },
            Payload = JsonSerializer.Deserialize<JsonElement>(payload),
            ReceivedAt = Now,
        };
}
