using GitLabBus.Runtime.Backlog;
using GitLabBus.Runtime.Jobs;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// The lease of one apply step (a prompt's epics or issues) while it writes, renewed as it goes: two deliveries of the
/// same step — a duplicate, a redelivery racing the original — never write at once. A holder that died frees it after
/// <see cref="Duration"/>.
/// </summary>
internal sealed class StepLease : IAsyncDisposable
{
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(2);

    private readonly IHeldJobLease _held;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private StepLease(IHeldJobLease held, TimeProvider time)
    {
        _held = held;
        _renewing = RenewAsync(time);
    }

    public static async Task<StepLease?> TryAcquireAsync(IJobLease leases, TimeProvider time, BacklogApplyKey key, string scope, CancellationToken cancellationToken) =>
        await leases.TryAcquireAsync($"backlog-apply:{key.ProjectId}:{key.PromptId}:{scope}", Duration, cancellationToken) is { } held
            ? new StepLease(held, time)
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
        using var timer = new PeriodicTimer(Duration / 4, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await _held.RenewAsync(Duration);
            }
        }
        catch (OperationCanceledException)
        {
            // The step ended.
        }
    }
}
