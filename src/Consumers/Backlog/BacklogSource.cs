using System.Globalization;
using System.Runtime.CompilerServices;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.Backlog;

/// <summary>Where a project's backlog comes from in GitLab, and how its records read as the gitlab_client_service contract's
/// <c>GitLabWorkItem</c>
/// (descriptions without the marks <see cref="BacklogMarker"/> leaves).</summary>
public static class BacklogSource
{
    /// <summary>
    /// The project's group, or the nearest ancestor of it, whose epics GitLab serves (epics are a group feature of
    /// paid tiers: elsewhere GitLab answers 403 or 404); null when none has them.
    /// </summary>
    public static async Task<long?> EpicsGroupAsync(GitLabClient client, GitLabProject project, CancellationToken cancellationToken)
    {
        if (project.Namespace is not { Kind: "group" } owner)
        {
            return null;
        }

        for (long? groupId = owner.Id; groupId is { } id; )
        {
            try
            {
                await client.GetEpicsPageAsync(id, null, 1, 1, cancellationToken);
                return id;
            }
            catch (GitLabException unavailable) when (unavailable.Kind is GitLabErrorKind.Permission or GitLabErrorKind.NotFound)
            {
                groupId = (await client.GetGroupAsync(id, cancellationToken)).ParentId;
            }
        }

        return null;
    }

    /// <summary>Every epic of <paramref name="epicsGroup"/> then every issue of the project, open or closed, page after page.</summary>
    public static async IAsyncEnumerable<BacklogWorkItem> ListAllAsync(
        GitLabClient client,
        GitLabProject project,
        long? epicsGroup,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var all = new WorkItemFilter { State = "all" };
        if (epicsGroup is { } group)
        {
            await foreach (var epic in client.ListEpicsAsync(group, all, cancellationToken))
            {
                yield return WorkItem(epic);
            }
        }

        await foreach (var issue in client.ListIssuesAsync(project.Id, all, cancellationToken))
        {
            yield return WorkItem(issue);
        }
    }

    public static BacklogWorkItem WorkItem(GitLabEpic epic) =>
        WorkItem("epic", epic.Id, epic.Iid, epic.Title, epic.Description, epic.State, epic.Labels, epic.WebUrl);

    public static BacklogWorkItem WorkItem(GitLabIssue issue) =>
        WorkItem("issue", issue.Id, issue.Iid, issue.Title, issue.Description, issue.State, issue.Labels, issue.WebUrl);

    private static BacklogWorkItem WorkItem(
        string kind,
        long id,
        long iid,
        string title,
        string? description,
        string state,
        IReadOnlyList<string> labels,
        string webUrl
    ) =>
        new(
            kind,
            id.ToString(CultureInfo.InvariantCulture),
            iid.ToString(CultureInfo.InvariantCulture),
            title,
            BacklogMarker.Strip(description),
            state,
            labels,
            webUrl,
            null
        );
}
