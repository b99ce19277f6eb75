using GitLabBus.Gateway.Identity;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Identity;

/// <summary>The Redis identity stores pass the same specification as the in-memory ones, on a real Redis.</summary>
public class RedisIdentityStoresSpecs : IdentityStoresSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectAsync();

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override IUserStore Users() => new RedisUserStore(_redis);

    protected override IRefreshTokenStore RefreshTokens() => new RedisRefreshTokenStore(_redis, Settings, Clock);

    protected override ILoginThrottle Throttle() => new RedisLoginThrottle(_redis, Settings);

    [Fact]
    public async Task Only_a_hash_of_a_refresh_token_is_kept_and_its_family_expires_on_its_own()
    {
        var token = await RefreshTokens().IssueAsync("bea", null, CancellationToken.None);
        var family = token[..token.IndexOf('.')];

        var stored = await _redis.GetDatabase().HashGetAllAsync(RedisRefreshTokenStore.Key(family));
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(RedisRefreshTokenStore.Key(family));

        Assert.DoesNotContain(stored, entry => entry.Name.ToString().Contains(token[33..]) || entry.Value.ToString().Contains(token[33..]));
        Assert.InRange(ttl!.Value, Settings.RefreshTokenLifetime - TimeSpan.FromMinutes(1), Settings.RefreshTokenLifetime);
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterIdentityStoresSpecs : RedisIdentityStoresSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
