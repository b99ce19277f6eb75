using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GitLabBus.Consumers.Webhooks;
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
        var hook = new GitLabPayload(payload);
        return
            hook.String("object_kind") is (TaskLink.Issue or TaskLink.MergeRequest) and var kind
            && hook.String("project", "path_with_namespace") is { } projectPath
            && hook.Long("object_attributes", "iid") is { } iid
            ? (kind, ProjectNames.Canonical(projectPath), iid)
            : null;
    }

    /// <summary>The link with what the hook's payload says of its item; what the payload leaves out stays as it was.</summary>
    public static TaskLink FromHook(TaskLink link, JsonElement payload, DateTimeOffset now)
    {
        var hook = new GitLabPayload(payload);
        return link with
        {
            Title = hook.String("object_attributes", "title") ?? link.Title,
            State = hook.String("object_attributes", "state") ?? link.State,
            WebUrl = hook.String("object_attributes", "url") ?? link.WebUrl,
            Labels = hook.Find("labels") is { ValueKind: JsonValueKind.Array } ? hook.LabelTitles("labels") : link.Labels,
            Assignees = hook.Find("assignees") is { ValueKind: JsonValueKind.Array }
                ? [.. hook.Array("assignees").Select(user => user.String("username")).OfType<string>()]
                : link.Assignees,
            RefreshedAt = now,
        };
    }
}
