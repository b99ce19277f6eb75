using System.Text.Json;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Tests.TestSupport.Gateway;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Sagas;

/// <summary>
/// Two bus instances (two replicas of the sagas role) consume from one quorum queue on the real RabbitMQ and
/// share the Redis saga repository. Hundreds of concurrent events on a few instances force version conflicts;
/// the end state must still count every event exactly once.
/// </summary>
public sealed class When_two_buses_drive_the_same_sagas : IAsyncLifetime
{
    private const int Instances = 5;
    private const int EventsPerInstance = 100;

    private readonly RealInfrastructure _infrastructure = new();
    private readonly List<ServiceProvider> _replicas = [];
    private RedisSagaRepositoryOptions<CounterState> _options = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _options = new RedisSagaRepositoryOptions<CounterState>("counter", SagaRetentionSettings.Default);
        for (var i = 0; i < 2; i++)
        {
            _replicas.Add(await StartReplicaAsync());
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.GetRequiredService<IBusControl>().StopAsync();
            await replica.DisposeAsync();
        }

        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_count_every_event_exactly_once()
    {
        var ids = Enumerable.Range(0, Instances).Select(_ => NewId.NextGuid()).ToList();
        var events = ids.SelectMany(id => Enumerable.Range(1, EventsPerInstance).Select(sequence => new CounterIncremented(id, sequence)))
            .ToList();
        var publishers = _replicas.Select(r => r.GetRequiredService<IBus>()).ToList();

        await Task.WhenAll(events.Select((e, i) => publishers[i % publishers.Count].Publish(e)));

        var redis = _replicas[0].GetRequiredService<IConnectionMultiplexer>();
        var store = new RedisSagaStore<CounterState>(redis.GetDatabase(), _options);
        async Task<List<CounterState?>> StatesAsync() =>
            [.. await Task.WhenAll(ids.Select(id => store.LoadAsync(SystemTextJsonMessageSerializer.Instance, id)))];
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () => (await StatesAsync()).Sum(s => s?.Count ?? 0) >= Instances * EventsPerInstance,
                TimeSpan.FromSeconds(120)
            )
        );

        var states = await StatesAsync();
        var expectedSum = EventsPerInstance * (EventsPerInstance + 1) / 2;
        Assert.All(
            states,
            state =>
            {
                Assert.NotNull(state);
                Assert.Equal((EventsPerInstance, (long)expectedSum), (state.Count, state.SequenceSum));
                Assert.Equal(EventsPerInstance, state.Version);
            }
        );

        // Conflicting attempts were retried; only committed ones may be journalled, each once.
        var journal = _replicas[0].GetRequiredService<ISagaJournal>();
        foreach (var id in ids)
        {
            var entries = await journal.ReadAsync("counter", id, CancellationToken.None);
            Assert.Equal(EventsPerInstance, entries.Count);
            Assert.Equal(Enumerable.Range(1, EventsPerInstance), entries.Select(e => e.InstanceAfter.GetProperty("count").GetInt32()));
            Assert.Equal(Enumerable.Range(1, EventsPerInstance), entries.Select(e => e.Message.GetProperty("sequence").GetInt32()).Order());
        }
    }

    [Fact]
    public async Task Should_remove_a_finished_instance_and_keep_its_final_copy()
    {
        var id = NewId.NextGuid();
        var bus = _replicas[0].GetRequiredService<IBus>();
        var redis = _replicas[0].GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await bus.Publish(new CounterIncremented(id, 1));
        Assert.True(await GitLabDelivery.EventuallyAsync(() => redis.KeyExistsAsync(_options.InstanceKey(id))));

        await bus.Publish(new CounterClosed(id));

        Assert.True(await GitLabDelivery.EventuallyAsync(async () => !await redis.KeyExistsAsync(_options.InstanceKey(id))));
        var finished = JsonDocument.Parse((string)(await redis.StringGetAsync(_options.FinishedKey(id)))!).RootElement;
        Assert.Equal((1, "Final"), (finished.GetProperty("count").GetInt32(), finished.GetProperty("currentState").GetString()));
    }

    private Task<ServiceProvider> StartReplicaAsync() =>
        _infrastructure.StartBusAsync((bus, settings) => bus.AddJournaledSaga<CounterStateMachine, CounterState>(settings, "counter"));
}
