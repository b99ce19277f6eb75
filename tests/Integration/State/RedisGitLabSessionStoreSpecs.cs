using GitLabBus.Runtime.Credentials;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.State;

/// <summary>The Redis store of OAuth sessions passes the same specification, and keeps only ciphertext under the seed's key.</summary>
public class RedisGitLabSessionStoreSpecs : GitLabSessionStoreSpecification, IAsyncLifetime
{
    private readonly IDataProtectionProvider _protection = new EphemeralDataProtectionProvider();
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectAsync();

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override IGitLabSessionStore Store() => new RedisGitLabSessionStore(_redis, _protection, Clock);

    [Fact]
    public async Task Only_ciphertext_is_kept_under_the_sessions_key_for_the_token_lifetime_and_the_grace()
    {
        await Store().SaveAsync("session-e", Session(TimeSpan.FromHours(2)), CancellationToken.None);

        var stored = await _redis.GetDatabase().StringGetAsync("gitlab:oauth:session-e");
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync("gitlab:oauth:session-e");

        Assert.False(stored.IsNull);
        Assert.DoesNotContain(AccessToken, stored.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(RefreshToken, stored.ToString(), StringComparison.Ordinal);
        var lifetime = TimeSpan.FromHours(2) + GitLabSession.RefreshGrace;
        Assert.InRange(ttl!.Value, lifetime - TimeSpan.FromMinutes(1), lifetime);
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterGitLabSessionStoreSpecs : RedisGitLabSessionStoreSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
