namespace GitLabBus.Runtime.Jobs;

/// <summary>Who runs a recurring job now: one replica holds a job's lease, the others skip their turn.</summary>
public interface IJobLease
{
    /// <summary>Takes the job's lease for <paramref name="duration"/>; null when another holder has it.</summary>
    Task<IHeldJobLease?> TryAcquireAsync(string job, TimeSpan duration, CancellationToken cancellationToken);
}

public interface IHeldJobLease
{
    /// <summary>Extends the lease while the run goes on; false when it was lost (expired and taken by another replica).</summary>
    Task<bool> RenewAsync(TimeSpan duration);

    /// <summary>Ends the run, keeping the lease <paramref name="keepFor"/> longer so nobody runs the job again before its next
    /// turn.</summary>
    Task ReleaseAsync(TimeSpan keepFor);
}
