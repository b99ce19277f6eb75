using GitLabBus.Consumers.Jobs;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.Identity;

/// <param name="Ttl"><c>GITLAB_METADATA_TTL_SECONDS</c> (3,600): how old a link's metadata may grow before the background
/// refresh reads it again from GitLab; 0 turns the refresh off (hooks still refresh links).</param>
public sealed record TaskLinkSettings(TimeSpan Ttl)
{
    public static TaskLinkSettings Read(SettingsReader reader) =>
        new(TimeSpan.FromSeconds(reader.Int("GITLAB_METADATA_TTL_SECONDS", 3_600, 0, 30 * 86_400)));

    public bool RefreshOn => Ttl > TimeSpan.Zero;

    /// <summary>How often the refresher looks for stale links: a tenth of the TTL, at least every ten seconds.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(10, Ttl.TotalSeconds / 10));
}

/// <summary>
/// Reads again from each organisation's GitLab the links whose metadata is older than the TTL (hooks keep most fresh; this
/// catches what no hook told, such as a GitLab whose hook is off), a bounded batch per run.
/// </summary>
public sealed class TaskLinkRefresher(
    ITaskLinkStore links,
    OrgGitLabClients gitlab,
    TaskLinkSettings settings,
    TimeProvider time,
    ILogger<TaskLinkRefresher> logger
) : IRecurringJob
{
    public const string JobName = "task-link-refresh";
    private const int BatchSize = 200;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = await links.StaleAsync(now - settings.Ttl, BatchSize, cancellationToken);
        var refreshed = 0;
        foreach (var org in stale.GroupBy(link => link.OrgId))
        {
            if (await gitlab.ForAsync(org.Key, cancellationToken) is not { } client)
            {
                continue;
            }

            foreach (var link in org)
            {
                try
                {
                    await links.UpdateAsync(
                        await TaskLinkMetadata.ReadAsync(client.Client, link, now, cancellationToken),
                        cancellationToken
                    );
                    refreshed++;
                }
                catch (GitLabException failure)
                {
                    // Kept as it was, and tried again next round; the item may be gone or the token revoked.
                    await links.UpdateAsync(link with { RefreshedAt = now }, cancellationToken);
                    logger.LogWarning(
                        "Could not refresh link {LinkId} of organisation {OrgId}: {Reason}",
                        link.LinkId,
                        link.OrgId,
                        failure.GitLabMessage
                    );
                }
            }
        }

        if (refreshed > 0)
        {
            logger.LogInformation("Refreshed the metadata of {Count} link(s)", refreshed);
        }
    }
}
