using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.Identity;

/// <summary>What a link caches of its item, read from GitLab or from the item's own hook, and how a link is named.</summary>
public static class TaskLinkMetadata
{
    /// <summary>The same item on the same task always gets the same id, so adding it twice (or a redelivery) keeps one link.</summary>
    public static string IdOf(string orgId, string taskId, string kind, string projectPath, long iid) =>
        "lnk_"
        + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orgId}\n{taskId}\n{kind}\n{projectPath}\n{iid}")))[..24];

    /// <summary>The link with what GitLab says of its item now.</summary>
    public static async Task<TaskLink> ReadAsync(
        GitLabClient client,
        TaskLink link,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var item =
            link.Kind == TaskLink.Issue
                ? Item.Of(await client.GetIssueAsync(link.ProjectPath, link.GitlabIid, cancellationToken))
                : Item.Of(
                    await client.GetMergeRequestAsync(link.ProjectPath, link.GitlabIid, includeRebaseInProgress: false, cancellationToken)
                );
        return link with
        {
            Title = item.Title,
            State = item.State,
            WebUrl = item.WebUrl,
            Labels = item.Labels,
            Assignees = [.. item.Assignees.Select(user => user.Username)],
            RefreshedAt = now,
        };
    }

    /// <summary>What a link caches, as issues and merge requests both have it.</summary>
    private sealed record Item(string Title, string State, string WebUrl, IReadOnlyList<string> Labels, IReadOnlyList<GitLabUser> Assignees)
    {
        public static Item Of(GitLabIssue issue) => new(issue.Title, issue.State, issue.WebUrl, issue.Labels, issue.Assignees);

        public static Item Of(GitLabMergeRequest request) =>
            new(request.Title, request.State, request.WebUrl, request.Labels, request.Assignees);
    }

    /// <summary>The item an issue or merge request hook is about: its kind, project path (canonical) and iid; null for others.</summary>
    public static (string Kind, string ProjectPath, long Iid)? ItemOf(JsonElement payload)
    {
        var kind = payload.TryGetProperty("object_kind", out var objectKind) ? objectKind.GetString() : null;
        if (
            kind is not (TaskLink.Issue or TaskLink.MergeRequest)
            || !payload.TryGetProperty("project", out var project)
            || !project.TryGetProperty("path_with_namespace", out var path)
            || path.GetString() is not { } projectPath
            || !payload.TryGetProperty("object_attributes", out var attributes)
            || !attributes.TryGetProperty("iid", out var iid)
            || !iid.TryGetInt64(out var number)
        )
        {
            return null;
        }

        return (kind, ProjectNames.Canonical(projectPath), number);
    }

    /// <summary>The link with what the hook's payload says of its item.</summary>
    public static TaskLink FromHook(TaskLink link, JsonElement payload, DateTimeOffset now)
    {
        var attributes = payload.GetProperty("object_attributes");
        return link with
        {
            Title = Text(attributes, "title") ?? link.Title,
            State = Text(attributes, "state") ?? link.State,
            WebUrl = Text(attributes, "url") ?? link.WebUrl,
            Labels =
                payload.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array
                    ? [.. labels.EnumerateArray().Select(label => Text(label, "title")).OfType<string>()]
                    : link.Labels,
            Assignees =
                payload.TryGetProperty("assignees", out var assignees) && assignees.ValueKind == JsonValueKind.Array
                    ? [.. assignees.EnumerateArray().Select(user => Text(user, "username")).OfType<string>()]
                    : link.Assignees,
            RefreshedAt = now,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
