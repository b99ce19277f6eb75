using GitLabBus.Sagas.Inspection;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Testing;

namespace GitLabBus.Tests.Sagas.Persistence;

/// <summary>The same state machines and registration as on RabbitMQ and Redis, on MassTransit's in-memory test harness.</summary>
public sealed class When_a_saga_runs_in_embedded_mode : IAsyncLifetime
{
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync(
            (_, settings) =>
                bus =>
                {
                    bus.AddJournaledSaga<ExpiryStateMachine, ExpiryState>(settings, "expiry");
                    bus.AddJournaledSaga<CounterStateMachine, CounterState>(settings, "counter");
                }
        );

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_fire_a_scheduled_timeout_through_the_transport_delay()
    {
        var id = NewId.NextGuid();
        var sagas = Harness.GetSagaStateMachineHarness<ExpiryStateMachine, ExpiryState>();

        await Harness.Bus.Publish(new WatchStarted(id));

        Assert.NotNull(await sagas.Exists(id, machine => machine.Watching));
        Assert.NotNull(await sagas.Exists(id, machine => machine.Expired));
    }

    [Fact]
    public async Task Should_apply_every_event_and_remove_the_instance_when_finished()
    {
        var id = NewId.NextGuid();
        var sagas = Harness.GetSagaStateMachineHarness<CounterStateMachine, CounterState>();

        await Task.WhenAll(Enumerable.Range(1, 20).Select(sequence => Harness.Bus.Publish(new CounterIncremented(id, sequence))));
        Assert.True(await EventuallyCountedAsync(sagas, id, 20));
        await Harness.Bus.Publish(new CounterClosed(id));

        Assert.Null(await sagas.NotExists(id));
    }

    private static async Task<bool> EventuallyCountedAsync(
        ISagaStateMachineTestHarness<CounterStateMachine, CounterState> sagas,
        Guid id,
        int count
    )
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (sagas.Sagas.Contains(id) is { Count: var counted } && counted == count)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
