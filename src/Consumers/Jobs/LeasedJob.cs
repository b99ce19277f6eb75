using GitLabBus.Runtime.Jobs;
using Quartz;

namespace GitLabBus.Consumers.Jobs;

/// <summary>
/// What Quartz fires on every replica: runs the job only with its lease, renews the lease while the run lasts, and
/// keeps it until the interval is over, so the job runs once per interval across replicas, never twice at once.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class LeasedJob<TJob>(
    IServiceScopeFactory scopes,
    IJobLease lease,
    RecurringJobOptions<TJob> options,
    TimeProvider time,
    ILogger<LeasedJob<TJob>> logger
) : IJob
    where TJob : class, IRecurringJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var held = await lease.TryAcquireAsync(options.Name, options.LeaseDuration, cancellationToken);
        if (held is null)
        {
            LogSkipped(options.Name);
            return;
        }

        using var stopRenewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewWhileRunningAsync(held, stopRenewing.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TJob>().RunAsync(cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(failure, options.Name, options.Interval);
        }
        finally
        {
            await stopRenewing.CancelAsync();
            await renewing;
            await held.ReleaseAsync(options.Interval - time.GetElapsedTime(started));
        }
    }

    private async Task RenewWhileRunningAsync(IHeldJobLease held, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.LeaseDuration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (!await held.RenewAsync(options.LeaseDuration))
                {
                    LogLeaseLost(options.Name);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recurring job {Job} skipped here: another replica holds its lease")]
    private partial void LogSkipped(string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recurring job {Job} failed; it runs again at its next turn (every {Interval})")]
    private partial void LogFailed(Exception failure, string job, TimeSpan interval);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Recurring job {Job} lost its lease while running (a pause longer than the lease?); another replica may start it"
    )]
    private partial void LogLeaseLost(string job);
}
