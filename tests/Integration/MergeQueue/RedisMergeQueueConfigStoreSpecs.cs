using GitLabBus.Consumers.MergeQueue;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.MergeQueue;

/// <summary>The Redis config store passes the same specification as the in-memory one, under the documented key.</summary>
public class RedisMergeQueueConfigStoreSpecs : MergeQueueConfigStoreSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;
    private IMergeQueueConfigStore _store = null!;

    protected override IMergeQueueConfigStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
        _store = new RedisMergeQueueConfigStore(_redis);
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Should_keep_the_settings_under_the_projects_key()
    {
        await Store.PutAsync(41, GitLabBus.Contracts.MergeQueueConfig.Default with { BatchSize = 7 }, CancellationToken.None);

        var stored = await _redis.GetDatabase().StringGetAsync("gitlabbus:merge-queue:41:config");

        Assert.Contains("\"batchSize\":7", stored.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterMergeQueueConfigStoreSpecs : RedisMergeQueueConfigStoreSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
