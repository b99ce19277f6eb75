using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.Persistence;

/// <summary>The same state machines and registration as on RabbitMQ and Redis, on MassTransit's in-memory test harness.</summary>
public sealed class When_a_saga_runs_in_embedded_mode : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var settings = RuntimeSettings.Read(new ConfigurationBuilder().Build());
        var services = new ServiceCollection().AddLogging();
        services.AddGitLabBusState(settings);
        services.AddMassTransitTestHarness(x => BusRegistration.Configure(x, settings.Bus, bus =>
        {
            bus.AddSagaStateMachine<ExpiryStateMachine, ExpiryState>().Persist(settings.Redis, new RedisSagaRepositoryOptions<ExpiryState>("expiry", TimeSpan.Zero));
            bus.AddSagaStateMachine<CounterStateMachine, CounterState>().Persist(settings.Redis, new RedisSagaRepositoryOptions<CounterState>("counter", TimeSpan.Zero));
        }));
        _services = services.BuildServiceProvider(true);
        _harness = _services.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Should_fire_a_scheduled_timeout_through_the_transport_delay()
    {
        var id = NewId.NextGuid();
        var sagas = _harness.GetSagaStateMachineHarness<ExpiryStateMachine, ExpiryState>();

        await _harness.Bus.Publish(new WatchStarted(id));

        Assert.NotNull(await sagas.Exists(id, machine => machine.Watching));
        Assert.NotNull(await sagas.Exists(id, machine => machine.Expired));
    }

    [Fact]
    public async Task Should_apply_every_event_and_remove_the_instance_when_finished()
    {
        var id = NewId.NextGuid();
        var sagas = _harness.GetSagaStateMachineHarness<CounterStateMachine, CounterState>();

        await Task.WhenAll(Enumerable.Range(1, 20).Select(sequence => _harness.Bus.Publish(new CounterIncremented(id, sequence))));
        Assert.True(await EventuallyCountedAsync(sagas, id, 20));
        await _harness.Bus.Publish(new CounterClosed(id));

        Assert.Null(await sagas.NotExists(id));
    }

    private static async Task<bool> EventuallyCountedAsync(ISagaStateMachineTestHarness<CounterStateMachine, CounterState> sagas, Guid id, int count)
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
