namespace GitLabBus.GitLab;

/// <summary>
/// Where a client's token comes from on each call. A fixed token never changes; an OAuth session's access token expires
/// and is renewed with its refresh token, so a client acting for a session asks its source before every call and, once,
/// after GitLab answered 401.
/// </summary>
public interface IGitLabTokenSource
{
    /// <summary>The token to send now.</summary>
    ValueTask<GitLabToken> CurrentAsync(CancellationToken cancellationToken);

    /// <summary>GitLab refused <paramref name="refused"/> with 401: a new token to try the call once more with, or null when
    /// there is none (the session ended, or the token cannot be renewed).</summary>
    ValueTask<GitLabToken?> RenewAsync(GitLabToken refused, CancellationToken cancellationToken);
}

internal sealed class FixedToken(GitLabToken token) : IGitLabTokenSource
{
    public ValueTask<GitLabToken> CurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);

    public ValueTask<GitLabToken?> RenewAsync(GitLabToken refused, CancellationToken cancellationToken) =>
        ValueTask.FromResult<GitLabToken?>(null);
}
