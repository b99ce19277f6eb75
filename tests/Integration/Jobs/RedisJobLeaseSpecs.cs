using GitLabBus.Runtime.Jobs;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Jobs;

/// <summary>The Redis lease passes the same specification as the in-memory one.</summary>
public class RedisJobLeaseSpecs : JobLeaseSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;

    protected override IJobLease Lease => new RedisJobLease(_redis);

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Should_free_the_job_when_a_crashed_holder_s_lease_runs_out()
    {
        var held = (await Lease.TryAcquireAsync("crashy", TimeSpan.FromMilliseconds(200), CancellationToken.None))!;

        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                await Lease.TryAcquireAsync("crashy", TimeSpan.FromMinutes(1), CancellationToken.None) is not null
            )
        );
        Assert.False(await held.RenewAsync(TimeSpan.FromMinutes(1)));
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterJobLeaseSpecs : RedisJobLeaseSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
