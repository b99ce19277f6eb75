using GitLabBus.Runtime.Jobs;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// The lease of one apply step (a prompt's epics or issues) while it writes, renewed as it goes: two deliveries of the
/// same step — a duplicate, a redelivery racing the original — never write at once. A holder that died frees it after
/// <c>APPLY_STEP_LEASE_SECONDS</c>.
/// </summary>
internal sealed class StepLease : IAsyncDisposable
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
        BacklogApplyKey key,
        string scope,
        CancellationToken cancellationToken
    ) =>
        await leases.TryAcquireAsync($"backlog-apply:{key.ProjectId}:{key.PromptId}:{scope}", duration, cancellationToken) is { } held
            ? new StepLease(held, duration, time)
            : null;

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
