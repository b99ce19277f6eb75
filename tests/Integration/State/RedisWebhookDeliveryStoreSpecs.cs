using GitLabBus.Gateway.Webhooks;
using GitLabBus.Runtime.Settings;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.State;

/// <summary>The Redis store passes the same specification as the in-memory one, on a real Redis.</summary>
public class RedisWebhookDeliveryStoreSpecs : WebhookDeliveryStoreSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override Task<IWebhookDeliveryStore> CreateStoreAsync(WebhookSettings settings) =>
        Task.FromResult<IWebhookDeliveryStore>(new RedisWebhookDeliveryStore(_redis, settings));

    [Fact]
    public async Task Keys_expire_on_their_own_so_nothing_grows_without_bound()
    {
        var store = await CreateStoreAsync(Settings);
        var delivery = NewDelivery();
        await store.ClaimAsync(delivery, "key-ttl", CancellationToken.None);
        await store.ConfirmAsync(delivery.DeliveryId, "key-ttl", CancellationToken.None);

        var db = _redis.GetDatabase();
        var deliveryTtl = await db.KeyTimeToLiveAsync($"gitlabbus:{{webhooks}}:delivery:{delivery.DeliveryId}");
        // Every key of the log shares the {webhooks} slot: the server that holds the delivery holds the dedup key.
        var server = _redis.GetServer((await db.IdentifyEndpointAsync($"gitlabbus:{{webhooks}}:delivery:{delivery.DeliveryId}"))!);
        var dedupKeys = server.Keys(db.Database, "gitlabbus:{webhooks}:dedup:*").ToList();

        Assert.InRange(deliveryTtl!.Value, Settings.Retention - TimeSpan.FromMinutes(1), Settings.Retention);
        var dedupTtl = await db.KeyTimeToLiveAsync(Assert.Single(dedupKeys));
        Assert.InRange(dedupTtl!.Value, Settings.DedupWindow - TimeSpan.FromMinutes(1), Settings.DedupWindow);
    }

    [Fact]
    public async Task Concurrent_claims_of_one_key_grant_exactly_one()
    {
        var store = await CreateStoreAsync(Settings);

        var claims = await Task.WhenAll(
            Enumerable.Range(0, 50).Select(_ => store.ClaimAsync(NewDelivery(), "contended", CancellationToken.None))
        );

        Assert.Single(claims, c => c.Outcome == ClaimOutcome.Claimed);
        var winner = claims.Single(c => c.Outcome == ClaimOutcome.Claimed).DeliveryId;
        Assert.All(
            claims.Where(c => c.Outcome != ClaimOutcome.Claimed),
            c => Assert.Equal((ClaimOutcome.InFlight, winner), (c.Outcome, c.DeliveryId))
        );
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterWebhookDeliveryStoreSpecs : RedisWebhookDeliveryStoreSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
