using System.Collections.Concurrent;
using GitLabBus.Consumers.Identity;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>GitLab clients for work a message asks for: at an organisation's GitLab with its token when it names one
/// (<c>orgId</c>); else as the caller when it carries a <c>credentialRef</c>; else with the service token.</summary>
public sealed class GitLabClients(
    GitLabClientFactory factory,
    ICredentialStore credentials,
    GitLabSessionTokens sessions,
    OrgGitLabClients orgs,
    IOrgIntegrationStore integrations,
    TimeProvider time
)
{
    private static readonly TimeSpan UserKeptFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (GitLabUser User, DateTimeOffset Until, DateTimeOffset Configured)> _orgUsers = new(
        StringComparer.Ordinal
    );
    private (GitLabUser User, DateTimeOffset Until)? _serviceUser;

    /// <summary>
    /// The service token's own GitLab user (whose notes are ours), asked of GitLab at most every ten minutes: it is read on
    /// every review and every command, and it changes only when the token does.
    /// </summary>
    public async Task<GitLabUser> ServiceUserAsync(CancellationToken cancellationToken)
    {
        if (_serviceUser is { } known && known.Until > time.GetUtcNow())
        {
            return known.User;
        }

        var user = await factory.Create().GetCurrentUserAsync(cancellationToken);
        _serviceUser = (user, time.GetUtcNow() + UserKeptFor);
        return user;
    }

    /// <summary>
    /// A round of a job that watches every GitLab (<paramref name="round"/> of a client and its <c>orgId</c>): the served
    /// GitLab with the service token, then every organisation's with its token (one whose GitLab was removed meanwhile is left
    /// out). A GitLab that does not answer is logged as <paramref name="job"/>'s and skipped until the next round, the others
    /// meanwhile.
    /// </summary>
    public async Task ForEveryGitLabAsync(
        string job,
        ILogger logger,
        Func<GitLabClient, string?, Task> round,
        CancellationToken cancellationToken
    )
    {
        await RoundAsync(factory.Create(), null);
        foreach (var orgId in await integrations.OrgIdsAsync(cancellationToken))
        {
            if (await orgs.ForAsync(orgId, cancellationToken) is { } org)
            {
                await RoundAsync(org.Client, orgId);
            }
        }

        async Task RoundAsync(GitLabClient client, string? orgId)
        {
            try
            {
                await round(client, orgId);
            }
            catch (Exception failure) when (GitLabFailures.IsAnswerable(failure))
            {
                logger.LogWarning(
                    "{Job}: the GitLab of {GitLab} did not answer ({Reason}); it is tried again next round",
                    job,
                    orgId ?? "this deployment",
                    failure.Message
                );
            }
        }
    }

    /// <summary>
    /// At an organisation's GitLab, the user of its token (whose notes are ours there), kept as the service user is, and asked
    /// again once the organisation's GitLab was configured anew; the service user without one.
    /// </summary>
    /// <exception cref="CredentialUnavailableException">The organisation has no GitLab configured (any more).</exception>
    public async Task<GitLabUser> ServiceUserAsync(string? orgId, CancellationToken cancellationToken)
    {
        if (orgId is null)
        {
            return await ServiceUserAsync(cancellationToken);
        }

        var (integration, client) = await orgs.ForAsync(orgId, cancellationToken) ?? throw NoGitLab(orgId);
        if (_orgUsers.TryGetValue(orgId, out var known) && known.Until > time.GetUtcNow() && known.Configured == integration.UpdatedAt)
        {
            return known.User;
        }

        var user = await client.GetCurrentUserAsync(cancellationToken);
        _orgUsers[orgId] = (user, time.GetUtcNow() + UserKeptFor, integration.UpdatedAt);
        return user;
    }

    /// <summary>A client for work of <paramref name="orgId"/>'s (its GitLab and token: a caller's credential has no say there), or,
    /// without one, as <see cref="ForAsync(string?, CancellationToken)"/>.</summary>
    /// <exception cref="CredentialUnavailableException">The organisation has no GitLab configured (any more), or the reference
    /// expired.</exception>
    public async Task<GitLabClient> ForAsync(string? orgId, string? credentialRef, CancellationToken cancellationToken)
    {
        if (orgId is null)
        {
            return await ForAsync(credentialRef, cancellationToken);
        }

        return (await orgs.ForAsync(orgId, cancellationToken))?.Client ?? throw NoGitLab(orgId);
    }

    private static CredentialUnavailableException NoGitLab(string orgId) =>
        new($"organisation {orgId} has no GitLab configured", ErrorCodes.NotFound);

    /// <exception cref="CredentialUnavailableException">The reference expired (or never existed): the work cannot act as its
    /// caller.</exception>
    public async Task<GitLabClient> ForAsync(string? credentialRef, CancellationToken cancellationToken)
    {
        if (credentialRef is null)
        {
            return factory.Create();
        }

        var credential = await CredentialAsync(credentialRef, cancellationToken);
        return credential.Kind == CredentialKind.Session
            ? factory.Create(credential.Reveal(sessions.For))
            : factory.Create(credential.Reveal(value => new GitLabToken(value) { IsOAuth = credential.IsOAuth }));
    }

    /// <exception cref="CredentialUnavailableException">The reference expired (or never existed).</exception>
    /// <remarks>For tokens that are sent as they are (a pipeline trigger's); a session's is not one.</remarks>
    public async Task<GitLabToken> TokenAsync(string credentialRef, CancellationToken cancellationToken)
    {
        var credential = await CredentialAsync(credentialRef, cancellationToken);
        return credential.Kind == CredentialKind.Session
            ? throw new CredentialUnavailableException("a session's GitLab connection is no token that can be sent as it is")
            : credential.Reveal(value => new GitLabToken(value) { IsOAuth = credential.IsOAuth });
    }

    private async Task<Credential> CredentialAsync(string credentialRef, CancellationToken cancellationToken) =>
        await credentials.GetAsync(credentialRef, cancellationToken) ?? throw new CredentialUnavailableException();
}

/// <summary>A credential reference that no longer resolves (or an organisation without a GitLab); its message says so in words for
/// the caller, without the reference; <see cref="Code"/> is the contract's code to answer with.</summary>
public sealed class CredentialUnavailableException(
    string message = "the GitLab token sent with the request has expired before the work ran; send the request again",
    string code = ErrorCodes.Unauthorized
) : Exception(message)
{
    public string Code { get; } = code;
}
