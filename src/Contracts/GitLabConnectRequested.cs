namespace GitLabBus.Contracts;

/// <summary>
/// The last step of a session's GitLab OAuth connection (<c>/auth/gitlab/callback</c>): the consumers redeem the authorization
/// code at GitLab's token endpoint with its PKCE verifier and keep the tokens, encrypted, for the session. Code and verifier
/// are in the credential store; the message carries their references. Answered with <see cref="GitLabConnected"/> or
/// <see cref="RequestRefused"/>.
/// </summary>
public record GitLabConnectRequested
{
    public required string SessionId { get; init; }
    public required string CodeRef { get; init; }
    public required string VerifierRef { get; init; }

    /// <summary>The callback the authorization was asked for; GitLab's token endpoint checks it is the same.</summary>
    public required string RedirectUri { get; init; }
}

public record GitLabConnected(string SessionId);
