using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

public sealed partial class GitLabClient
{
    /// <summary>
    /// The access <paramref name="userId"/> has to the project, inherited from its groups included (GitLab's
    /// <c>/members/all/:user_id</c>); null when the user is no member at all.
    /// </summary>
    public async Task<GitLabMember?> FindMemberAsync(ProjectRef project, long userId, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync<GitLabMember>($"projects/{project.Encoded}/members/all/{userId}", cancellationToken);
        }
        catch (GitLabException notMember) when (notMember.Kind == GitLabErrorKind.NotFound)
        {
            return null;
        }
    }

    public Task<GitLabMember> AddMemberAsync(
        ProjectRef project,
        long userId,
        GitLabAccessLevel level,
        CancellationToken cancellationToken
    ) =>
        PostAsync<GitLabMember>(
            $"projects/{project.Encoded}/members",
            new { user_id = userId, access_level = (int)level },
            cancellationToken
        );

    /// <summary>Administrators only (GitLab answers 403 to anyone else).</summary>
    public Task<GitLabUser> CreateUserAsync(NewGitLabUser user, CancellationToken cancellationToken) =>
        PostAsync<GitLabUser>("users", user, cancellationToken);

    /// <summary>Administrators only: a personal access token for <paramref name="userId"/>, its value in the answer this once.</summary>
    public Task<GitLabPersonalAccessToken> CreatePersonalAccessTokenAsync(
        long userId,
        string name,
        IReadOnlyList<string> scopes,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabPersonalAccessToken>($"users/{userId}/personal_access_tokens", new { name, scopes }, cancellationToken);
}
