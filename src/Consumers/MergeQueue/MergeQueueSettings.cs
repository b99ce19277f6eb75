using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.MergeQueue;

/// <param name="WatchInterval"><c>MERGE_WATCH_INTERVAL_SECONDS</c> (60; 0 turns the watcher off).</param>
/// <param name="StepLease"><c>MERGE_STEP_LEASE_SECONDS</c> (30): how long a merge-queue step (an admission, a batch's build or
/// landing, a notice) holds its lease without renewal (renewed every third of it): what a replica that died leaves blocked.</param>
public sealed record MergeQueueSettings(TimeSpan WatchInterval, TimeSpan StepLease)
{
    public bool WatcherOn => WatchInterval > TimeSpan.Zero;

    public static MergeQueueSettings Read(SettingsReader reader) =>
        new(
            TimeSpan.FromSeconds(reader.Double("MERGE_WATCH_INTERVAL_SECONDS", 60, 0, 86_400)),
            TimeSpan.FromSeconds(reader.Double("MERGE_STEP_LEASE_SECONDS", 30, 1, 3_600))
        );
}
