namespace GitLabBus.Contracts;

/// <summary>
/// A session disconnected from GitLab (<c>/auth/gitlab/disconnect</c>): the consumers revoke its OAuth grant at GitLab's
/// <c>/oauth/revoke</c>, so that the tokens GitLab gave stop working there too, not only here. <see cref="TokenRef"/> names
/// the grant's refresh token in the credential store (revoking it ends its access token with it).
/// </summary>
public record GitLabRevokeRequested
{
    public required string SessionId { get; init; }
    public required string TokenRef { get; init; }
}
