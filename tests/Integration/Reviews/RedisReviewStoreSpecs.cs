using GitLabBus.Consumers.Reviews;
using GitLabBus.Contracts;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Reviews;

/// <summary>The Redis review store passes the same specification as the in-memory one, in one expiring hash per merge request.</summary>
public class RedisReviewStoreSpecs : ReviewStoreSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;
    private IReviewStore _store = null!;

    protected override IReviewStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
        _store = new RedisReviewStore(_redis);
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Should_keep_a_merge_requests_reviews_in_one_expiring_hash()
    {
        await Store.RecordAsync(new ReviewKey(41, 3, "abc1234", ReviewCommands.Review, null), null, CancellationToken.None);

        var key = "gitlabbus:review:{41:3}";
        Assert.True(await _redis.GetDatabase().HashExistsAsync(key, "done:abc1234:review:-"));
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, RedisReviewStore.Retention - TimeSpan.FromMinutes(1), RedisReviewStore.Retention);
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterReviewStoreSpecs : RedisReviewStoreSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
