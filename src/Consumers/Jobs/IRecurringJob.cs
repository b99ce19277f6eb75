namespace GitLabBus.Consumers.Jobs;

/// <summary>
/// Work that recurs on an interval (pollers, refreshers). Each run is a fresh DI scope; across all replicas only one
/// runs a given job at a time, and at most once per interval.
/// </summary>
public interface IRecurringJob
{
    Task RunAsync(CancellationToken cancellationToken);
}
