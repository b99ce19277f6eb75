using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

public sealed partial class GitLabClient
{
    /// <summary>By id or by full path (<c>group/sub/project</c>).</summary>
    public Task<GitLabProject> GetProjectAsync(ProjectRef project, CancellationToken cancellationToken) =>
        GetAsync<GitLabProject>($"projects/{project.Encoded}", cancellationToken);

    /// <summary>The projects the token's user is a member of, by id.</summary>
    public IAsyncEnumerable<GitLabProject> ListMemberProjectsAsync(CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabProject>("projects?membership=true&simple=true&order_by=id&sort=asc", cancellationToken);

    public Task<GitLabProject> UpdateProjectSettingsAsync(
        ProjectRef project,
        GitLabProjectSettings settings,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabProject>($"projects/{project.Encoded}", settings, cancellationToken);

    public Task<GitLabGroup> GetGroupAsync(ProjectRef group, CancellationToken cancellationToken) =>
        GetAsync<GitLabGroup>($"groups/{group.Encoded}", cancellationToken);

    /// <summary>The labels the project's issues may carry: its own and those of its groups.</summary>
    public IAsyncEnumerable<GitLabLabel> ListLabelsAsync(ProjectRef project, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabLabel>($"projects/{project.Encoded}/labels?include_ancestor_groups=true", cancellationToken);

    /// <summary>The labels a group's epics may carry: its own and its ancestors'.</summary>
    public IAsyncEnumerable<GitLabLabel> ListGroupLabelsAsync(ProjectRef group, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabLabel>($"groups/{group.Encoded}/labels?include_ancestor_groups=true", cancellationToken);

    public Task<GitLabLabel> CreateLabelAsync(ProjectRef project, NewGitLabLabel label, CancellationToken cancellationToken) =>
        PostAsync<GitLabLabel>($"projects/{project.Encoded}/labels", label, cancellationToken);

    public IAsyncEnumerable<GitLabHook> ListHooksAsync(ProjectRef project, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabHook>($"projects/{project.Encoded}/hooks", cancellationToken);

    public Task<GitLabHook> AddHookAsync(ProjectRef project, NewGitLabHook hook, CancellationToken cancellationToken) =>
        PostAsync<GitLabHook>($"projects/{project.Encoded}/hooks", hook, cancellationToken);

    public Task DeleteHookAsync(ProjectRef project, long hookId, CancellationToken cancellationToken) =>
        DeleteAsync($"projects/{project.Encoded}/hooks/{hookId}", cancellationToken);
}
