using System.Security.Cryptography;
using System.Text;

namespace GitLabBus.Simulator.State;

/// <summary>An OAuth application registered with the administrators' API: what the authorize and token endpoints check.</summary>
public sealed record SimOAuthApplication(long Id, string Name, string ClientId, string Secret, string RedirectUri, string Scopes);

/// <summary>An authorization code: single use, for ten minutes, bound to its client, redirect and PKCE challenge.</summary>
public sealed record SimOAuthCode(
    string Code,
    string ClientId,
    string RedirectUri,
    long UserId,
    string Scopes,
    string? Challenge,
    DateTimeOffset Expires
);

/// <summary>An access token with its refresh token; a refresh replaces both (the old refresh token is spent).</summary>
public sealed record SimOAuthGrant(
    string AccessToken,
    string RefreshToken,
    string ClientId,
    long UserId,
    string Scopes,
    DateTimeOffset Expires
);

/// <summary>GitLab's OAuth 2 provider (Doorkeeper) as far as GitLabBus needs it: authorization code with PKCE, refresh.</summary>
public sealed partial class SimStore
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public List<SimOAuthApplication> OAuthApplications { get; } = [];
    public List<SimOAuthCode> OAuthCodes { get; } = [];
    public List<SimOAuthGrant> OAuthGrants { get; } = [];

    /// <param name="clientId">Given by a host that embeds the simulator and knows its application beforehand; else new.</param>
    public SimOAuthApplication RegisterApplication(
        string name,
        string redirectUri,
        string scopes,
        string? clientId = null,
        string? secret = null
    )
    {
        var application = new SimOAuthApplication(
            NewId(),
            name,
            clientId ?? Secret(32),
            secret ?? "gloas-" + Secret(32),
            redirectUri,
            scopes
        );
        OAuthApplications.Add(application);
        return application;
    }

    public SimOAuthApplication? FindApplication(string? clientId) =>
        clientId is null ? null : OAuthApplications.FirstOrDefault(app => SameSecret(app.ClientId, clientId));

    public SimOAuthCode IssueCode(SimOAuthApplication application, string redirectUri, SimUser user, string scopes, string? challenge)
    {
        var code = new SimOAuthCode(Secret(32), application.ClientId, redirectUri, user.Id, scopes, challenge, Now + CodeLifetime);
        OAuthCodes.Add(code);
        return code;
    }

    /// <summary>Spends a code: null unless it exists, is unexpired, was issued to this client for this redirect, and the verifier
    /// fits its challenge.</summary>
    public SimOAuthCode? RedeemCode(string code, SimOAuthApplication application, string? redirectUri, string? verifier)
    {
        var found = OAuthCodes.FirstOrDefault(candidate => SameSecret(candidate.Code, code));
        if (found is null)
        {
            return null;
        }

        OAuthCodes.Remove(found);
        var challengeMet = found.Challenge is null || (verifier is not null && SameSecret(Challenge(verifier), found.Challenge));
        return found.Expires > Now && found.ClientId == application.ClientId && found.RedirectUri == redirectUri && challengeMet
            ? found
            : null;
    }

    public SimOAuthGrant Grant(string clientId, long userId, string scopes)
    {
        var grant = new SimOAuthGrant(Secret(32), Secret(32), clientId, userId, scopes, Now + options.OAuthTokenLifetime);
        OAuthGrants.Add(grant);
        return grant;
    }

    /// <summary>Spends a refresh token for a new grant; null when it is unknown, spent or another client's.</summary>
    public SimOAuthGrant? Refresh(string refreshToken, SimOAuthApplication application)
    {
        var found = OAuthGrants.FirstOrDefault(grant =>
            SameSecret(grant.RefreshToken, refreshToken) && grant.ClientId == application.ClientId
        );
        if (found is null)
        {
            return null;
        }

        OAuthGrants.Remove(found);
        return Grant(found.ClientId, found.UserId, found.Scopes);
    }

    /// <summary>Ends the client's grant that holds <paramref name="token"/> as its access or its refresh token.</summary>
    public void Revoke(string token, SimOAuthApplication application) =>
        OAuthGrants.RemoveAll(grant =>
            grant.ClientId == application.ClientId && (SameSecret(grant.AccessToken, token) || SameSecret(grant.RefreshToken, token))
        );

    /// <summary>The user of an OAuth access token, and whether it is still alive (GitLab tells an expired one apart).</summary>
    public (SimUser? User, bool Expired) UserOfAccessToken(string token)
    {
        var found = OAuthGrants.FirstOrDefault(grant => SameSecret(grant.AccessToken, token));
        return found is null ? (null, false) : (UserById(found.UserId), found.Expires <= Now);
    }

    /// <summary>PKCE's S256: base64url of the verifier's SHA-256.</summary>
    public static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Secret(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
