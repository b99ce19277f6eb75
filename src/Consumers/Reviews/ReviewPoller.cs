using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using MassTransit;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// For GitLabs that cannot send webhooks: every <c>REVIEW_POLL_INTERVAL_SECONDS</c>, one replica (a recurring job with a
/// lease) reads the open merge requests updated since its watermark (GitLab's own <c>updated_at</c>, kept in Redis) and
/// asks for a review of each head and for every command in a comment written since; at the served GitLab and at each
/// organisation's, each with a watermark of its own. What it asks twice is done once: the reviews are keyed by head and by
/// command note. Its first round at a GitLab reviews the open merge requests and leaves older comments alone. A GitLab that
/// does not answer is polled again next round, the others meanwhile.
/// </summary>
public sealed class ReviewPoller(GitLabClients gitlab, IReviewStore store, IPublishEndpoint bus, ILogger<ReviewPoller> logger)
    : IRecurringJob
{
    public const string JobName = "review-poller";

    public Task RunAsync(CancellationToken cancellationToken) =>
        gitlab.ForEveryGitLabAsync(
            "Review poller",
            logger,
            (client, orgId) => PollAsync(client, orgId, cancellationToken),
            cancellationToken
        );

    private async Task PollAsync(GitLabClient client, string? orgId, CancellationToken cancellationToken)
    {
        var us = await gitlab.ServiceUserAsync(orgId, cancellationToken);
        var since = await store.WatermarkAsync(orgId, cancellationToken);
        var latest = since;
        var asked = 0;
        await foreach (var mr in client.ListOpenMergeRequestsUpdatedAsync(since, cancellationToken))
        {
            latest = Max(latest, mr.UpdatedAt);
            if (mr.Author?.Id == us.Id)
            {
                // The merge queue's batch and step merge requests are the service's own.
                continue;
            }

            await bus.Publish(
                new ReviewRequested
                {
                    ProjectId = mr.ProjectId,
                    OrgId = orgId,
                    MergeRequestIid = mr.Iid,
                    HeadSha = mr.Sha,
                    Source = ReviewSources.Poller,
                },
                cancellationToken
            );
            asked++;
            if (since is null)
            {
                continue;
            }

            await foreach (var note in client.ListMergeRequestNotesAsync(mr.ProjectId, mr.Iid, cancellationToken))
            {
                if (
                    note.CreatedAt < since
                    || note.System
                    || note.Author?.Id == us.Id
                    || Webhooks.SlashCommandParser.Parse(note.Body) is not { } command
                    || ReviewTriggerConsumer.Asked(command, mr.ProjectId, mr.Iid, note.Id, note.Author?.Username, ReviewSources.Poller)
                        is not { } request
                )
                {
                    continue;
                }

                await bus.Publish(request with { OrgId = orgId }, cancellationToken);
                asked++;
            }
        }

        if (latest is { } watermark && watermark != since)
        {
            await store.SetWatermarkAsync(orgId, watermark, cancellationToken);
        }

        if (asked > 0)
        {
            logger.LogInformation(
                "Review poller: {Count} reviews and commands asked for at the GitLab of {GitLab} since {Since}",
                asked,
                orgId ?? "this deployment",
                since
            );
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b
        : b is null ? a
        : a > b ? a
        : b;
}
