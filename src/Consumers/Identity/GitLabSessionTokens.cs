using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.Identity;

/// <summary>
/// The access tokens of sessions connected to GitLab with OAuth, renewed with their refresh token shortly before they
/// expire and whenever GitLab refuses one (it may be revoked early, or GitLab's clock runs ahead of ours). GitLab spends a
/// refresh token when it is used, so across replicas one renews a session at a time (a lease per session) and the others
/// take what it saved.
/// </summary>
public sealed class GitLabSessionTokens(
    GitLabClientFactory factory,
    GitLabSettings gitlab,
    IGitLabSessionStore sessions,
    IJobLease leases,
    TimeProvider time,
    ILogger<GitLabSessionTokens> logger
)
{
    /// <summary>How long before its expiry an access token is renewed instead of sent.</summary>
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaseWait = TimeSpan.FromMilliseconds(100);

    public static GitLabOAuthApplication? Application(GitLabOAuthSettings settings) =>
        settings.Configured ? new GitLabOAuthApplication(settings.ClientId!, settings.ClientSecret!) : null;

    public static GitLabSession SessionOf(GitLabOAuthGrant grant) =>
        new(
            grant.AccessToken.Reveal(value => new Credential(value, CredentialKind.OAuth)),
            grant.RefreshToken.Reveal(value => new Credential(value)),
            grant.ExpiresAt
        );

    /// <summary>The token source of a GitLab client acting for <paramref name="sessionId"/>.</summary>
    public IGitLabTokenSource For(string sessionId) => new Source(this, sessionId);

    private async Task<GitLabToken> CurrentAsync(string sessionId, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(sessionId, cancellationToken) ?? throw Ended();
        return session.ExpiresAt - Early > time.GetUtcNow()
            ? TokenOf(session)
            : await RenewAsync(sessionId, TokenOf(session), cancellationToken) ?? throw Ended();
    }

    private async Task<GitLabToken?> RenewAsync(string sessionId, GitLabToken refused, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + LeaseFor;
        while (time.GetUtcNow() < deadline)
        {
            var lease = await leases.TryAcquireAsync($"gitlab-oauth-refresh:{sessionId}", LeaseFor, cancellationToken);
            var session = await sessions.GetAsync(sessionId, cancellationToken);
            if (session is null)
            {
                await ReleaseAsync(lease);
                return null;
            }

            if (TokenOf(session).Fingerprint != refused.Fingerprint && session.ExpiresAt - Early > time.GetUtcNow())
            {
                await ReleaseAsync(lease);
                return TokenOf(session);
            }

            if (lease is null)
            {
                await Task.Delay(LeaseWait, time, cancellationToken);
                continue;
            }

            try
            {
                return await RefreshAsync(sessionId, session, cancellationToken);
            }
            finally
            {
                await ReleaseAsync(lease);
            }
        }

        return null;
    }

    private async Task<GitLabToken?> RefreshAsync(string sessionId, GitLabSession session, CancellationToken cancellationToken)
    {
        if (Application(gitlab.OAuth) is not { } application)
        {
            return null;
        }

        GitLabOAuthGrant grant;
        try
        {
            grant = await session.RefreshToken.Reveal(value =>
                factory.OAuth().RefreshAsync(application, new GitLabToken(value), cancellationToken)
            );
        }
        catch (GitLabException refused) when (!refused.IsTransient)
        {
            // The grant was revoked (the user took the application's access away) or has lapsed: the session is over.
            await sessions.DeleteAsync(sessionId, cancellationToken);
            logger.LogWarning(
                "GitLab refused to renew the OAuth token of session {SessionId} ({Reason}); the session must connect again",
                sessionId,
                refused.GitLabMessage
            );
            return null;
        }

        await sessions.SaveAsync(sessionId, SessionOf(grant), cancellationToken);
        logger.LogInformation("Renewed the GitLab OAuth token of session {SessionId}", sessionId);
        return grant.AccessToken;
    }

    private static Task ReleaseAsync(IHeldJobLease? lease) => lease?.ReleaseAsync(TimeSpan.Zero) ?? Task.CompletedTask;

    private static GitLabToken TokenOf(GitLabSession session) =>
        session.AccessToken.Reveal(value => new GitLabToken(value) { IsOAuth = true });

    private static CredentialUnavailableException Ended() =>
        new("this session's GitLab connection has ended (disconnected, or its grant lapsed); connect again at /auth/gitlab/authorize");

    private sealed class Source(GitLabSessionTokens tokens, string sessionId) : IGitLabTokenSource
    {
        public async ValueTask<GitLabToken> CurrentAsync(CancellationToken cancellationToken) =>
            await tokens.CurrentAsync(sessionId, cancellationToken);

        public async ValueTask<GitLabToken?> RenewAsync(GitLabToken refused, CancellationToken cancellationToken) =>
            await tokens.RenewAsync(sessionId, refused, cancellationToken);
    }
}
