using GitLabBus.Gateway.Identity;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Identity;

/// <summary>The Redis identity stores pass the same specification as the in-memory ones, on a real Redis.</summary>
public sealed class RedisIdentityStoresSpecs : IdentityStoresSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => (_redis, _) = await TestInfrastructure.ConnectToFreshDatabaseAsync();

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
