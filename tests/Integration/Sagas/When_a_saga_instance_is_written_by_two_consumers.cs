using System.Text.Json;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Serialization;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Sagas;

/// <summary>The store's compare-and-set, on a real Redis.</summary>
public class When_a_saga_instance_is_written_by_two_consumers : IAsyncLifetime
{
    private static readonly IObjectDeserializer Serializer = SystemTextJsonMessageSerializer.Instance;
    private readonly RedisSagaRepositoryOptions<CounterState> _options = new(
        "counter",
        SagaRetentionSettings.Default with
        {
            FinishedRetention = TimeSpan.FromMinutes(10),
        }
    );
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private RedisSagaStore<CounterState> Store() => new(_redis.GetDatabase(), _options);

    [Fact]
    public async Task Should_refuse_the_second_update_of_the_same_loaded_version()
    {
        var id = Guid.NewGuid();
        await Store().AddAsync(Serializer, new CounterState { CorrelationId = id, Count = 1 });
        var first = (await Store().LoadAsync(Serializer, id))!;
        var second = (await Store().LoadAsync(Serializer, id))!;

        first.Count = 2;
        await Store().UpdateAsync(Serializer, first);
        second.Count = 99;
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => Store().UpdateAsync(Serializer, second));

        var stored = (await Store().LoadAsync(Serializer, id))!;
        Assert.Equal((2, 2), (stored.Count, stored.Version));
        Assert.Contains("changed by another consumer", conflict.Message);
    }

    [Fact]
    public async Task Should_create_an_instance_only_once()
    {
        var id = Guid.NewGuid();

        var inserted = await Store().TryInsertAsync(Serializer, new CounterState { CorrelationId = id, Count = 1 });
        var again = await Store().TryInsertAsync(Serializer, new CounterState { CorrelationId = id, Count = 50 });

        Assert.True(inserted);
        Assert.False(again);
        Assert.Equal(1, (await Store().LoadAsync(Serializer, id))!.Count);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store().AddAsync(Serializer, new CounterState { CorrelationId = id }));
    }

    [Fact]
    public async Task Should_keep_a_finished_instance_readable_for_the_retention_only()
    {
        var id = Guid.NewGuid();
        await Store().AddAsync(Serializer, new CounterState { CorrelationId = id, Count = 7 });
        var loaded = (await Store().LoadAsync(Serializer, id))!;

        await Store().FinishAsync(Serializer, loaded);

        var db = _redis.GetDatabase();
        Assert.Null(await Store().LoadAsync(Serializer, id));
        var finished = JsonDocument.Parse((string)(await db.StringGetAsync(_options.FinishedKey(id)))!).RootElement;
        Assert.Equal(7, finished.GetProperty("count").GetInt32());
        Assert.InRange((await db.KeyTimeToLiveAsync(_options.FinishedKey(id)))!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Should_make_a_second_pessimistic_consumer_wait_for_the_lock()
    {
        var id = Guid.NewGuid();
        await using var holder = new RedisSagaStore<CounterState>(
            _redis.GetDatabase(),
            _options with
            {
                Pessimistic = true,
                LockTimeout = TimeSpan.FromSeconds(30),
            }
        );
        await holder.LockAsync(id, CancellationToken.None);

        var impatient = _options with { Pessimistic = true, LockTimeout = TimeSpan.FromMilliseconds(300) };
        await using var waiter = new RedisSagaStore<CounterState>(_redis.GetDatabase(), impatient);
        await Assert.ThrowsAsync<ConcurrencyException>(() => waiter.LockAsync(id, CancellationToken.None));
        await holder.DisposeAsync();
        await waiter.LockAsync(id, CancellationToken.None);
    }
}

/// <summary>The same, on a Redis Cluster (three masters, three replicas): an instance's keys share one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class When_a_saga_instance_is_written_by_two_consumers_on_a_redis_cluster : When_a_saga_instance_is_written_by_two_consumers
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
