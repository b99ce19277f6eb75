using GitLabBus.Sagas.Scheduling;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Scheduling;

/// <summary>The Redis store (Lua claims) passes the same specification as the in-memory one.</summary>
public class RedisScheduledMessageStoreSpecs : ScheduledMessageStoreSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override Task<IScheduledMessageStore> CreateAsync() =>
        Task.FromResult<IScheduledMessageStore>(new RedisScheduledMessageStore(_redis));

    [Fact]
    public async Task Concurrent_claims_hand_each_message_to_one_claimer()
    {
        var store = await CreateAsync();
        var tokens = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            var message = new ScheduledMessage
            {
                TokenId = Guid.NewGuid(),
                DueAt = Now,
                Destination = new Uri("exchange:x"),
                ContentType = "application/json",
                Body = "{}",
            };
            tokens.Add(message.TokenId);
            await store.ScheduleAsync(message, CancellationToken.None);
        }

        var claims = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(_ => store.ClaimDueAsync(Now, 10, TimeSpan.FromMinutes(1), CancellationToken.None))
        );

        var claimed = claims.SelectMany(c => c.Select(m => m.TokenId)).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(tokens.Order(), claimed.Order());
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterScheduledMessageStoreSpecs : RedisScheduledMessageStoreSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
