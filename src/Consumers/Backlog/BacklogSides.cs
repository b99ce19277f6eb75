using System.Runtime.CompilerServices;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.Backlog;

/// <summary>An epic or an issue as an apply compares it: what GitLab holds now.</summary>
internal sealed record GitLabItem(
    long Id,
    long Iid,
    string Title,
    string? Description,
    IReadOnlyList<string> Labels,
    string State,
    string WebUrl,
    long? EpicId
)
{
    public static GitLabItem Of(GitLabEpic epic) =>
        new(epic.Id, epic.Iid, epic.Title, epic.Description, epic.Labels, epic.State, epic.WebUrl, null);

    public static GitLabItem Of(GitLabIssue issue) =>
        new(issue.Id, issue.Iid, issue.Title, issue.Description, issue.Labels, issue.State, issue.WebUrl, issue.Epic?.Id);
}

/// <summary>What the input asks for, with unknown labels already left out and the epic link resolved to an epic id.</summary>
internal sealed record DesiredItem(string Title, string Description, IReadOnlyList<string> Labels, long? EpicId);

/// <summary>The fields that differ (null when equal); an item in <c>closed</c> is reopened, as applied items are <c>opened</c>.</summary>
internal sealed record ItemChanges(string? Title, string? Description, IReadOnlyList<string>? Labels, bool Reopen, long? EpicId)
{
    public bool None => Title is null && Description is null && Labels is null && !Reopen && EpicId is null;

    public static ItemChanges Between(GitLabItem current, DesiredItem desired) =>
        new(
            current.Title == desired.Title ? null : desired.Title,
            BacklogMarker.Strip(current.Description) == desired.Description ? null : desired.Description,
            current.Labels.ToHashSet(StringComparer.Ordinal).SetEquals(desired.Labels) ? null : desired.Labels,
            current.State == "closed",
            desired.EpicId is { } epic && epic != current.EpicId ? epic : null
        );
}

/// <summary>Where one step of an apply reads and writes: a group's epics or a project's issues.</summary>
internal interface IBacklogSide
{
    /// <summary>The labels items of this side may carry, by name in any case, as GitLab spells them.</summary>
    Task<IReadOnlyDictionary<string, string>> LabelsAsync(CancellationToken cancellationToken);

    /// <summary>Every item, newest first, open or closed.</summary>
    IAsyncEnumerable<GitLabItem> ListAllAsync(CancellationToken cancellationToken);

    /// <summary>The item whose description carries <paramref name="token"/>, if an earlier attempt created it.</summary>
    Task<GitLabItem?> FindMarkedAsync(string token, CancellationToken cancellationToken);

    Task<GitLabItem> CreateAsync(DesiredItem item, string token, CancellationToken cancellationToken);

    Task<GitLabItem> UpdateAsync(GitLabItem current, ItemChanges changes, CancellationToken cancellationToken);
}

internal sealed class EpicSide(GitLabClient client, long groupId) : IBacklogSide
{
    public Task<IReadOnlyDictionary<string, string>> LabelsAsync(CancellationToken cancellationToken) =>
        LabelNames.ReadAsync(client.ListGroupLabelsAsync(groupId, cancellationToken), cancellationToken);

    public async IAsyncEnumerable<GitLabItem> ListAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var epic in client.ListEpicsAsync(groupId, new WorkItemFilter { State = "all" }, cancellationToken))
        {
            yield return GitLabItem.Of(epic);
        }
    }

    public async Task<GitLabItem?> FindMarkedAsync(string token, CancellationToken cancellationToken) =>
        (await client.GetEpicsPageAsync(groupId, new WorkItemFilter { State = "all", Search = token }, 1, 20, cancellationToken))
            .Items.Where(epic => BacklogMarker.Carries(epic.Description, token))
            .Select(GitLabItem.Of)
            .FirstOrDefault();

    public async Task<GitLabItem> CreateAsync(DesiredItem item, string token, CancellationToken cancellationToken) =>
        GitLabItem.Of(
            await client.CreateEpicAsync(
                groupId,
                new NewGitLabEpic(item.Title)
                {
                    Description = BacklogMarker.Append(item.Description, token),
                    Labels = string.Join(',', item.Labels),
                },
                cancellationToken
            )
        );

    public async Task<GitLabItem> UpdateAsync(GitLabItem current, ItemChanges changes, CancellationToken cancellationToken) =>
        GitLabItem.Of(
            await client.UpdateEpicAsync(
                groupId,
                current.Iid,
                new GitLabEpicUpdate
                {
                    Title = changes.Title,
                    Description = changes.Description,
                    Labels = changes.Labels is null ? null : string.Join(',', changes.Labels),
                    StateEvent = changes.Reopen ? "reopen" : null,
                },
                cancellationToken
            )
        );
}

internal sealed class IssueSide(GitLabClient client, long projectId) : IBacklogSide
{
    public Task<IReadOnlyDictionary<string, string>> LabelsAsync(CancellationToken cancellationToken) =>
        LabelNames.ReadAsync(client.ListLabelsAsync(projectId, cancellationToken), cancellationToken);

    public async IAsyncEnumerable<GitLabItem> ListAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var issue in client.ListIssuesAsync(projectId, new WorkItemFilter { State = "all" }, cancellationToken))
        {
            yield return GitLabItem.Of(issue);
        }
    }

    public async Task<GitLabItem?> FindMarkedAsync(string token, CancellationToken cancellationToken) =>
        (await client.GetIssuesPageAsync(projectId, new WorkItemFilter { State = "all", Search = token }, 1, 20, cancellationToken))
            .Items.Where(issue => BacklogMarker.Carries(issue.Description, token))
            .Select(GitLabItem.Of)
            .FirstOrDefault();

    public async Task<GitLabItem> CreateAsync(DesiredItem item, string token, CancellationToken cancellationToken) =>
        GitLabItem.Of(
            await client.CreateIssueAsync(
                projectId,
                new NewGitLabIssue(item.Title)
                {
                    Description = BacklogMarker.Append(item.Description, token),
                    Labels = string.Join(',', item.Labels),
                    EpicId = item.EpicId,
                },
                cancellationToken
            )
        );

    public async Task<GitLabItem> UpdateAsync(GitLabItem current, ItemChanges changes, CancellationToken cancellationToken) =>
        GitLabItem.Of(
            await client.UpdateIssueAsync(
                projectId,
                current.Iid,
                new GitLabIssueUpdate
                {
                    Title = changes.Title,
                    Description = changes.Description,
                    Labels = changes.Labels is null ? null : string.Join(',', changes.Labels),
                    StateEvent = changes.Reopen ? "reopen" : null,
                    EpicId = changes.EpicId,
                },
                cancellationToken
            )
        );
}

internal static class LabelNames
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(
        IAsyncEnumerable<GitLabLabel> labels,
        CancellationToken cancellationToken
    )
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var label in labels.WithCancellation(cancellationToken))
        {
            names.TryAdd(label.Name, label.Name);
        }

        return names;
    }
}
