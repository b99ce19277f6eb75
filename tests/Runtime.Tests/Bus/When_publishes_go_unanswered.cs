using GitLabBus.Runtime.Bus;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Runtime.Bus;

/// <summary>
/// The confirm watchdog on a real (in-memory) MassTransit bus: it restarts a bus that reports itself connected once the broker
/// has answered no publish for the whole while, and leaves alone a bus whose broker answered meanwhile or that is disconnected
/// (MassTransit reconnects that one itself).
/// </summary>
public sealed class When_publishes_go_unanswered : IAsyncLifetime
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T12:00:00Z"));
    private readonly BusLifecycle _lifecycle = new();
    private readonly IBusControl _bus;

    public When_publishes_go_unanswered() => _bus = MassTransit.Bus.Factory.CreateUsingInMemory(bus => bus.ConnectBusObserver(_lifecycle));

    public async Task InitializeAsync() => await _bus.StartAsync();

    public async Task DisposeAsync() => await _bus.StopAsync();

    [Fact]
    public async Task Should_restart_a_connected_bus_once_no_publish_was_answered_for_the_whole_while()
    {
        var watchdog = Watchdog(After);

        watchdog.Publishing();
        _time.Advance(After - TimeSpan.FromSeconds(1));
        watchdog.Publishing();
        var restartedEarly = _lifecycle.Stops;
        _time.Advance(TimeSpan.FromSeconds(1));
        watchdog.Publishing();
        await watchdog.LastRestart;

        Assert.Equal(0, restartedEarly);
        Assert.Equal((1, 2), (_lifecycle.Stops, _lifecycle.Starts));
        Assert.Equal(1, watchdog.Restarts);
        Assert.Equal(BusHealthStatus.Healthy, _bus.CheckHealth().Status);
        await _bus.Publish(new Probe("after the restart"));
    }

    [Fact]
    public async Task Should_count_the_while_again_from_the_first_publish_after_an_answer()
    {
        var watchdog = Watchdog(After);

        watchdog.Publishing();
        _time.Advance(After - TimeSpan.FromSeconds(1));
        watchdog.Answered();
        _time.Advance(TimeSpan.FromSeconds(2));
        watchdog.Publishing();
        _time.Advance(After - TimeSpan.FromSeconds(1));
        watchdog.Publishing();
        await watchdog.LastRestart;

        Assert.Equal(0, _lifecycle.Stops);
    }

    [Fact]
    public async Task Should_count_a_whole_while_again_after_a_restart()
    {
        var watchdog = Watchdog(After);
        watchdog.Publishing();
        _time.Advance(After);
        watchdog.Publishing();
        await watchdog.LastRestart;

        _time.Advance(After / 2);
        watchdog.Publishing();
        _time.Advance(After / 2 - TimeSpan.FromSeconds(1));
        watchdog.Publishing();
        await watchdog.LastRestart;
        var restartsWithinTheSecondWhile = watchdog.Restarts;
        _time.Advance(After);
        watchdog.Publishing();
        await watchdog.LastRestart;

        Assert.Equal(1, restartsWithinTheSecondWhile);
        Assert.Equal(2, watchdog.Restarts);
    }

    [Fact]
    public async Task Should_leave_a_disconnected_bus_to_reconnect_by_itself()
    {
        await _bus.StopAsync();
        var watchdog = Watchdog(After);

        watchdog.Publishing();
        _time.Advance(After * 2);
        watchdog.Publishing();
        await watchdog.LastRestart;

        Assert.Equal((1, 1), (_lifecycle.Stops, _lifecycle.Starts));
        Assert.Equal(0, watchdog.Restarts);
    }

    [Fact]
    public async Task Should_do_nothing_when_turned_off()
    {
        var watchdog = Watchdog(TimeSpan.Zero);

        watchdog.Publishing();
        _time.Advance(TimeSpan.FromMinutes(10));
        watchdog.Publishing();
        await watchdog.LastRestart;

        Assert.Equal(0, _lifecycle.Stops);
    }

    private ConfirmWatchdog Watchdog(TimeSpan after) => new(_bus, after, _time, NullLogger<ConfirmWatchdog>.Instance);

    private sealed record Probe(string Text);

    /// <summary>Counts the bus's starts and stops as MassTransit reports them.</summary>
    private sealed class BusLifecycle : IBusObserver
    {
        private int _starts;
        private int _stops;

        public int Starts => Volatile.Read(ref _starts);

        public int Stops => Volatile.Read(ref _stops);

        public void PostCreate(IBus bus) { }

        public void CreateFaulted(Exception exception) { }

        public Task PreStart(IBus bus) => Task.CompletedTask;

        public Task PostStart(IBus bus, Task<BusReady> busReady)
        {
            Interlocked.Increment(ref _starts);
            return Task.CompletedTask;
        }

        public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

        public Task PreStop(IBus bus) => Task.CompletedTask;

        public Task PostStop(IBus bus)
        {
            Interlocked.Increment(ref _stops);
            return Task.CompletedTask;
        }

        public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
    }
}
