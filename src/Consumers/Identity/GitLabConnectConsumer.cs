using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Settings;
using MassTransit;

namespace GitLabBus.Consumers.Identity;

/// <summary>
/// A session's OAuth connection with GitLab. Connecting finishes it: the authorization code and its verifier, from the
/// credential store, redeemed at GitLab's token endpoint, and the grant kept for the session. A code is good once, so a
/// redelivery after a redeem that succeeded is refused by GitLab, and the session keeps what the first one stored.
/// Disconnecting (the gateway forgot the session's tokens already) revokes the grant at GitLab, which answers a second
/// revocation as the first: a redelivery is harmless.
/// </summary>
public sealed class GitLabConnectConsumer(
    GitLabClientFactory factory,
    GitLabSettings gitlab,
    ICredentialStore credentials,
    IGitLabSessionStore sessions,
    ILogger<GitLabConnectConsumer> logger
) : IConsumer<GitLabConnectRequested>, IConsumer<GitLabRevokeRequested>
{
    public async Task Consume(ConsumeContext<GitLabRevokeRequested> context)
    {
        var request = context.Message;
        var token = await credentials.GetAsync(request.TokenRef, context.CancellationToken);
        if (token is null || GitLabSessionTokens.Application(gitlab.OAuth) is not { } application)
        {
            logger.LogWarning(
                "The GitLab grant of disconnected session {SessionId} was not revoked: {Reason}; it lasts until revoked in GitLab",
                request.SessionId,
                token is null ? "its token expired in the credential store first" : "GitLab OAuth is not configured on the consumers"
            );
            return;
        }

        try
        {
            await token.Reveal(value => factory.OAuth().RevokeAsync(application, new GitLabToken(value), context.CancellationToken));
            logger.LogInformation("Revoked the GitLab grant of disconnected session {SessionId}", request.SessionId);
        }
        catch (GitLabException refused) when (!refused.IsTransient)
        {
            logger.LogWarning(
                "GitLab refused to revoke the grant of disconnected session {SessionId}: {Reason}",
                request.SessionId,
                refused.GitLabMessage
            );
        }
    }

    public async Task Consume(ConsumeContext<GitLabConnectRequested> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        var code = await credentials.GetAsync(request.CodeRef, cancellationToken);
        var verifier = await credentials.GetAsync(request.VerifierRef, cancellationToken);
        if (code is null || verifier is null)
        {
            await context.RespondAsync(
                new RequestRefused(
                    ErrorCodes.Unauthorized,
                    "the authorization code expired before it could be redeemed; connect again",
                    null
                )
            );
            return;
        }

        if (GitLabSessionTokens.Application(gitlab.OAuth) is not { } application)
        {
            await context.RespondAsync(
                new RequestRefused(
                    ErrorCodes.NotFound,
                    "GitLab OAuth is not configured on the consumers (GITLAB_OAUTH_CLIENT_ID, GITLAB_OAUTH_CLIENT_SECRET)",
                    null
                )
            );
            return;
        }

        try
        {
            var grant = await code.Reveal(codeValue =>
                verifier.Reveal(verifierValue =>
                    factory.OAuth().RedeemCodeAsync(application, codeValue, verifierValue, new Uri(request.RedirectUri), cancellationToken)
                )
            );
            await sessions.SaveAsync(request.SessionId, GitLabSessionTokens.SessionOf(grant), cancellationToken);
            logger.LogInformation("Session {SessionId} connected to GitLab with OAuth (scopes {Scopes})", request.SessionId, grant.Scope);
            await context.RespondAsync(new GitLabConnected(request.SessionId));
        }
        catch (GitLabException failure)
        {
            logger.LogWarning("GitLab refused the OAuth code of session {SessionId}: {Reason}", request.SessionId, failure.GitLabMessage);
            await context.RespondAsync(GitLabFailures.Refusal(failure, "GitLab's token endpoint"));
        }
    }
}
