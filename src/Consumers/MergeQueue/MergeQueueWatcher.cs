using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

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
