using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Settings;
using MassTransit;

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

/// <summary>
/// For installs without webhooks, the way marge-bot works: every interval, the open merge requests assigned to the
/// service's own GitLab user ask for the queue, unless admission already recognised them at their head. One replica runs
/// it at a time (a recurring job with a lease). Those not ready are asked about again each round, so they join once they
/// are; admission writes a Not Ready comment only once per head.
/// </summary>
public sealed class MergeQueueWatcher(
    GitLabClients gitlab,
    IMergeQueueConfigStore configs,
    IPublishEndpoint bus,
    ILogger<MergeQueueWatcher> logger
) : IRecurringJob
{
    public const string JobName = "merge-queue-watcher";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var client = await gitlab.ForAsync(null, cancellationToken);
        var asked = 0;
        // Each project's settings read once a round: the merge requests of one project come in numbers.
        var settings = new Dictionary<long, MergeQueueConfig>();
        await foreach (var mr in client.ListMergeRequestsAssignedToMeAsync(cancellationToken))
        {
            if (!settings.TryGetValue(mr.ProjectId, out var config))
            {
                config = settings[mr.ProjectId] = await configs.GetAsync(mr.ProjectId, cancellationToken);
            }

            // Rejected stays out until a person marks it ready again.
            if (
                mr.Labels.Contains(config.Labels.Recognised, StringComparer.Ordinal)
                || mr.Labels.Contains(config.Labels.Rejected, StringComparer.Ordinal)
            )
            {
                continue;
            }

            await bus.Publish(
                new MrReadyForBatch
                {
                    ProjectId = mr.ProjectId,
                    MergeRequestIid = mr.Iid,
                    Source = MergeQueueSources.Watcher,
                },
                cancellationToken
            );
            asked++;
        }

        if (asked > 0)
        {
            logger.LogInformation("Merge queue watcher: {Count} merge requests assigned to the service asked for the queue", asked);
        }
    }
}
