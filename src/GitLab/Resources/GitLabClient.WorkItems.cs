using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

public sealed partial class GitLabClient
{
    public IAsyncEnumerable<GitLabIssue> ListIssuesAsync(ProjectRef project, WorkItemFilter? filter, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabIssue>(Query($"projects/{project.Encoded}/issues", filter?.Query() ?? ""), cancellationToken);

    public Task<GitLabPage<GitLabIssue>> GetIssuesPageAsync(
        ProjectRef project,
        WorkItemFilter? filter,
        int page,
        int? perPage,
        CancellationToken cancellationToken
    ) =>
        _connection.GetPageAsync<GitLabIssue>(
            Query($"projects/{project.Encoded}/issues", filter?.Query() ?? ""),
            page,
            perPage,
            cancellationToken
        );

    public Task<GitLabIssue> GetIssueAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        GetAsync<GitLabIssue>($"projects/{project.Encoded}/issues/{iid}", cancellationToken);

    public Task<GitLabIssue> CreateIssueAsync(ProjectRef project, NewGitLabIssue issue, CancellationToken cancellationToken) =>
        PostAsync<GitLabIssue>($"projects/{project.Encoded}/issues", issue, cancellationToken);

    public Task<GitLabIssue> UpdateIssueAsync(
        ProjectRef project,
        long iid,
        GitLabIssueUpdate update,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabIssue>($"projects/{project.Encoded}/issues/{iid}", update, cancellationToken);

    public IAsyncEnumerable<GitLabEpic> ListEpicsAsync(ProjectRef group, WorkItemFilter? filter, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabEpic>(Query($"groups/{group.Encoded}/epics", filter?.Query() ?? ""), cancellationToken);

    public Task<GitLabPage<GitLabEpic>> GetEpicsPageAsync(
        ProjectRef group,
        WorkItemFilter? filter,
        int page,
        int? perPage,
        CancellationToken cancellationToken
    ) =>
        _connection.GetPageAsync<GitLabEpic>(
            Query($"groups/{group.Encoded}/epics", filter?.Query() ?? ""),
            page,
            perPage,
            cancellationToken
        );

    public Task<GitLabEpic> GetEpicAsync(ProjectRef group, long iid, CancellationToken cancellationToken) =>
        GetAsync<GitLabEpic>($"groups/{group.Encoded}/epics/{iid}", cancellationToken);

    public Task<GitLabEpic> CreateEpicAsync(ProjectRef group, NewGitLabEpic epic, CancellationToken cancellationToken) =>
        PostAsync<GitLabEpic>($"groups/{group.Encoded}/epics", epic, cancellationToken);

    public Task<GitLabEpic> UpdateEpicAsync(ProjectRef group, long iid, GitLabEpicUpdate update, CancellationToken cancellationToken) =>
        PutAsync<GitLabEpic>($"groups/{group.Encoded}/epics/{iid}", update, cancellationToken);

    /// <summary>Links an issue (by its global id, not its iid) to an epic of the group.</summary>
    public Task<GitLabEpicIssueLink> LinkIssueToEpicAsync(
        ProjectRef group,
        long epicIid,
        long issueId,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabEpicIssueLink>($"groups/{group.Encoded}/epics/{epicIid}/issues/{issueId}", null, cancellationToken);

    public IAsyncEnumerable<GitLabIssue> ListEpicIssuesAsync(ProjectRef group, long epicIid, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabIssue>($"groups/{group.Encoded}/epics/{epicIid}/issues", cancellationToken);
}
