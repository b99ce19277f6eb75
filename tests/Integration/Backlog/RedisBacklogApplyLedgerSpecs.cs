using GitLabBus.Consumers.Backlog;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Backlog;

/// <summary>The Redis ledger passes the same specification as the in-memory one, with the contract's keys and the idempotency
/// TTL.</summary>
public class RedisBacklogApplyLedgerSpecs : BacklogApplyLedgerSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;
    private IBacklogApplyLedger _ledger = null!;

    protected override IBacklogApplyLedger Ledger => _ledger;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
        _ledger = new RedisBacklogApplyLedger(_redis, Settings);
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Every_key_expires_with_the_idempotency_window()
    {
        var key = new BacklogApplyKey("1", $"prompt-{Guid.NewGuid():N}");

        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        await Ledger.BeginStepAsync(key, "epic", CancellationToken.None);
        await Ledger.RecordAsync(key, "epic", [new BacklogItemRecord(0, null, null, [])], CancellationToken.None);

        var database = _redis.GetDatabase();
        foreach (var redisKey in new[] { key.RedisKey, $"{key.RedisKey}:attempts", $"{key.RedisKey}:items:epic" })
        {
            Assert.InRange((await database.KeyTimeToLiveAsync(redisKey))!.Value, Ttl - TimeSpan.FromMinutes(1), Ttl);
        }

        Assert.StartsWith("gitlabbus:backlog:apply:1:prompt-", key.RedisKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_brief_claim_expires_soon_and_its_holder_extends_it_to_the_window()
    {
        var key = new BacklogApplyKey("1", $"prompt-{Guid.NewGuid():N}");
        var database = _redis.GetDatabase();

        await Ledger.ClaimAsync(key, "op-1", TimeSpan.FromMinutes(1), CancellationToken.None);
        var brief = (await database.KeyTimeToLiveAsync(key.RedisKey))!.Value;
        await Ledger.ClaimAsync(key, "op-2", Ttl, CancellationToken.None);
        var notExtendedByOthers = (await database.KeyTimeToLiveAsync(key.RedisKey))!.Value;
        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        var extended = (await database.KeyTimeToLiveAsync(key.RedisKey))!.Value;

        Assert.InRange(brief, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.InRange(notExtendedByOthers, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.InRange(extended, Ttl - TimeSpan.FromMinutes(1), Ttl);
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterBacklogApplyLedgerSpecs : RedisBacklogApplyLedgerSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
