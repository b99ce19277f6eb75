using MassTransit;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// Restarts the bus when the broker has answered none of the publishes that wait for a confirm for <see cref="After"/> (since
/// the first one it left unanswered) while the bus still reports itself connected. Seen on a RabbitMQ cluster when a node
/// dies: a channel on a surviving node keeps taking publishes to a quorum queue whose leader moved, and confirms none of them
/// until the broker's own timer fires (about 100 s); a new connection is confirmed at once. While the bus reports itself
/// disconnected MassTransit reconnects by itself, so nothing is done then. One restart at a time; the while is counted again
/// from the first miss after it.
/// </summary>
public sealed partial class ConfirmWatchdog(IBusControl bus, TimeSpan after, TimeProvider time, ILogger<ConfirmWatchdog> logger)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private DateTimeOffset? _unansweredSince;
    private Task _restart = Task.CompletedTask;
    private int _restarts;

    /// <summary>How long the broker may answer nothing before the bus is restarted; zero turns the watchdog off.</summary>
    public TimeSpan After => after;

    /// <summary>Restarts made so far (the process's lifetime).</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The restart under way, or the last one (done): for a caller that must wait for it, e.g. a test.</summary>
    public Task LastRestart
    {
        get
        {
            lock (_gate)
            {
                return _restart;
            }
        }
    }

    /// <summary>
    /// A publish that waits for its confirm begins: it starts the clock when none runs, and restarts the bus when the clock
    /// has run for the whole while (publishes that time out or hang and are given up by their callers never stop it).
    /// </summary>
    public void Publishing()
    {
        if (after <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            _unansweredSince ??= now;
            var unansweredFor = now - _unansweredSince.Value;
            if (unansweredFor < after || !_restart.IsCompleted || bus.CheckHealth().Status != BusHealthStatus.Healthy)
            {
                return;
            }

            _unansweredSince = null;
            LogRestarting(unansweredFor);
            _restart = Task.Run(RestartAsync);
        }
    }

    /// <summary>The broker answered a publish: a confirm, or a definite refusal (no route, a closed connection).</summary>
    public void Answered()
    {
        lock (_gate)
        {
            _unansweredSince = null;
        }
    }

    private async Task RestartAsync()
    {
        try
        {
            using var stopping = new CancellationTokenSource(StopTimeout);
            await bus.StopAsync(stopping.Token);
        }
        catch (Exception failure)
        {
            LogStopFailed(failure.GetType().Name);
        }

        try
        {
            await bus.StartAsync(CancellationToken.None);
            Interlocked.Increment(ref _restarts);
            LogRestarted();
        }
        catch (Exception failure)
        {
            LogStartFailed(failure.GetType().Name);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "The broker answered no publish for {UnansweredFor} while the bus reports itself connected: restarting the bus"
    )]
    private partial void LogRestarting(TimeSpan unansweredFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus restarted after unanswered publishes")]
    private partial void LogRestarted();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus did not stop cleanly for its restart ({Reason}); starting it again")]
    private partial void LogStopFailed(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bus did not start again after unanswered publishes ({Reason})")]
    private partial void LogStartFailed(string reason);
}
