using GitLabBus.Gateway.Webhooks;
using GitLabBus.Runtime.Settings;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Gateway.Webhooks;

public sealed class InMemoryWebhookDeliveryStoreSpecs : WebhookDeliveryStoreSpecification
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    protected override Task<IWebhookDeliveryStore> CreateStoreAsync(WebhookSettings settings) =>
        Task.FromResult<IWebhookDeliveryStore>(new InMemoryWebhookDeliveryStore(settings, _clock));

    [Fact]
    public async Task An_in_flight_claim_expires_so_a_crashed_publish_never_blocks_the_retry()
    {
        var store = await CreateStoreAsync(Settings);
        await store.ClaimAsync(NewDelivery(), "key-1", CancellationToken.None);

        _clock.Advance(RedisWebhookDeliveryStore.PendingWindow + TimeSpan.FromSeconds(1));
        var retry = await store.ClaimAsync(NewDelivery(), "key-1", CancellationToken.None);

        Assert.Equal(ClaimOutcome.Claimed, retry.Outcome);
    }

    [Fact]
    public async Task A_confirmed_key_is_forgotten_after_the_dedup_window()
    {
        var store = await CreateStoreAsync(Settings);
        var first = NewDelivery();
        await store.ClaimAsync(first, "key-1", CancellationToken.None);
        await store.ConfirmAsync(first.DeliveryId, "key-1", CancellationToken.None);

        _clock.Advance(Settings.DedupWindow + TimeSpan.FromSeconds(1));
        var later = await store.ClaimAsync(NewDelivery(), "key-1", CancellationToken.None);

        Assert.Equal(ClaimOutcome.Claimed, later.Outcome);
    }
}
