using GitLabBus.Runtime.Settings;

namespace GitLabBus.Sagas.Scheduling;

/// <summary>The durable scheduler's timing.</summary>
/// <param name="PollInterval"><c>SCHEDULER_POLL_MILLISECONDS</c>: how often each replica looks for due messages (the worst-case
/// lateness).</param>
/// <param name="Lease"><c>SCHEDULER_LEASE_SECONDS</c>: how long a claimed message is reserved for the replica sending it.</param>
public sealed record SchedulerSettings(TimeSpan PollInterval, TimeSpan Lease)
{
    public static SchedulerSettings Read(SettingsReader reader) =>
        new(
            TimeSpan.FromMilliseconds(reader.Int("SCHEDULER_POLL_MILLISECONDS", 250, 10, 60_000)),
            TimeSpan.FromSeconds(reader.Int("SCHEDULER_LEASE_SECONDS", 30, 1, 3_600))
        );
}
