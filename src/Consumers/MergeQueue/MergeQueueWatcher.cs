using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// For installs without webhooks, the way marge-bot works: every interval, the open merge requests assigned to the
/// service's own GitLab user ask for the queue, unless admission already recognised them at their head; at each
/// organisation's GitLab too, those assigned to the user of its token. One replica runs it at a time (a recurring job with a
/// lease). Those not ready are asked about again each round, so they join once they are; admission writes a Not Ready
/// comment only once per head. A GitLab that does not answer is watched again next round, the others meanwhile.
/// </summary>
public sealed class MergeQueueWatcher(
    GitLabClients gitlab,
    IMergeQueueConfigStore configs,
    IPublishEndpoint bus,
    ILogger<MergeQueueWatcher> logger
) : IRecurringJob
{
    public const string JobName = "merge-queue-watcher";

    public Task RunAsync(CancellationToken cancellationToken) =>
        gitlab.ForEveryGitLabAsync(
            "Merge queue watcher",
            logger,
            (client, orgId) => WatchAsync(client, orgId, cancellationToken),
            cancellationToken
        );

    private async Task WatchAsync(GitLabClient client, string? orgId, CancellationToken cancellationToken)
    {
        var asked = 0;
        // Each project's settings read once a round: the merge requests of one project come in numbers.
        var settings = new Dictionary<long, MergeQueueConfig>();
        await foreach (var mr in client.ListMergeRequestsAssignedToMeAsync(cancellationToken))
        {
            if (!settings.TryGetValue(mr.ProjectId, out var config))
            {
                config = settings[mr.ProjectId] = await configs.GetAsync(new ScopedProject(orgId, mr.ProjectId), cancellationToken);
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
                    OrgId = orgId,
                    MergeRequestIid = mr.Iid,
                    Source = MergeQueueSources.Watcher,
                },
                cancellationToken
            );
            asked++;
        }

        if (asked > 0)
        {
            logger.LogInformation(
                "Merge queue watcher: {Count} merge requests assigned to the service at the GitLab of {GitLab} asked for the queue",
                asked,
                orgId ?? "this deployment"
            );
        }
    }
}
