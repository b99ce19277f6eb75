using GitLabBus.Runtime.Jobs;

namespace GitLabBus.Consumers.Jobs;

/// <summary>
/// The lease of one step while it writes to GitLab, renewed as it goes: two deliveries of the same step — a duplicate, a
/// redelivery racing the original — never write at once (a backlog apply's epics or issues, a merge batch's build or
/// landing). A holder that died frees it when the lease runs out.
/// </summary>
public sealed class StepLease : IAsyncDisposable
{
    private readonly IHeldJobLease _held;
    private readonly TimeSpan _duration;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private StepLease(IHeldJobLease held, TimeSpan duration, TimeProvider time)
    {
        (_held, _duration) = (held, duration);
        _renewing = RenewAsync(time);
    }

    public static async Task<StepLease?> TryAcquireAsync(
        IJobLease leases,
        TimeSpan duration,
        TimeProvider time,
        string step,
        CancellationToken cancellationToken
    ) => await leases.TryAcquireAsync(step, duration, cancellationToken) is { } held ? new StepLease(held, duration, time) : null;

    /// <summary>The step's lease, or <see cref="StepBusyException"/> (the delivery is retried) while another holds it.</summary>
    public static async Task<StepLease> HoldAsync(
        IJobLease leases,
        TimeSpan duration,
        TimeProvider time,
        string step,
        CancellationToken cancellationToken
    ) =>
        await TryAcquireAsync(leases, duration, time, step, cancellationToken)
        ?? throw new StepBusyException($"{step} is being worked on by another delivery; this one comes back later");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        await _held.ReleaseAsync(TimeSpan.Zero);
        _stop.Dispose();
    }

    private async Task RenewAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(_duration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await _held.RenewAsync(_duration);
            }
        }
        catch (OperationCanceledException)
        {
            // The step ended.
        }
    }
}

/// <summary>Another delivery holds the step's lease: this one is retried, and then finds what that one made.</summary>
public sealed class StepBusyException(string message) : Exception(message);
