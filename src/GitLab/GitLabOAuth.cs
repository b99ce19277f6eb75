using System.Text.Json.Serialization;
using GitLabBus.GitLab.Http;

namespace GitLabBus.GitLab;

/// <summary>
/// An OAuth application registered with GitLab (Admin area → Applications, or a group's or user's): what GitLab's token
/// endpoint checks. The secret leaves this type only as a form field of that endpoint.
/// </summary>
public sealed class GitLabOAuthApplication(string clientId, string clientSecret)
{
    public string ClientId { get; } = clientId;

    internal string Secret { get; } = clientSecret;

    public override string ToString() => $"GitLabOAuthApplication({ClientId})";
}

/// <summary>What GitLab's token endpoint grants: an access token that expires, and the refresh token that renews it once.</summary>
public sealed record GitLabOAuthGrant(GitLabToken AccessToken, GitLabToken RefreshToken, DateTimeOffset ExpiresAt, string Scope);

/// <summary>
/// GitLab's OAuth token endpoint (<c>/oauth/token</c>, beside the API, not under it): an authorization code (with its PKCE
/// verifier and the callback it was asked for) or a refresh token exchanged for a grant. GitLab spends a refresh token
/// when it is used, so the caller must keep the new one. And its revocation endpoint (<c>/oauth/revoke</c>, RFC 7009).
/// </summary>
public sealed class GitLabOAuthClient
{
    private readonly GitLabConnection _connection;
    private readonly Uri _tokenEndpoint;
    private readonly Uri _revokeEndpoint;
    private readonly TimeProvider _time;

    internal GitLabOAuthClient(GitLabConnection connection, Uri instance, TimeProvider time)
    {
        _connection = connection;
        _tokenEndpoint = new Uri(instance.ToString().TrimEnd('/') + "/oauth/token");
        _revokeEndpoint = new Uri(instance.ToString().TrimEnd('/') + "/oauth/revoke");
        _time = time;
    }

    public Task<GitLabOAuthGrant> RedeemCodeAsync(
        GitLabOAuthApplication application,
        string code,
        string codeVerifier,
        Uri redirectUri,
        CancellationToken cancellationToken
    ) =>
        GrantAsync(
            application,
            [
                KeyValuePair.Create("grant_type", "authorization_code"),
                KeyValuePair.Create("code", code),
                KeyValuePair.Create("code_verifier", codeVerifier),
                KeyValuePair.Create("redirect_uri", redirectUri.ToString()),
            ],
            cancellationToken
        );

    public Task<GitLabOAuthGrant> RefreshAsync(
        GitLabOAuthApplication application,
        GitLabToken refreshToken,
        CancellationToken cancellationToken
    ) =>
        GrantAsync(
            application,
            [KeyValuePair.Create("grant_type", "refresh_token"), refreshToken.Reveal(value => KeyValuePair.Create("refresh_token", value))],
            cancellationToken
        );

    /// <summary>Ends the grant that holds <paramref name="token"/> (its access or its refresh token). GitLab answers the same
    /// for a token it did not know (RFC 7009), so revoking twice is harmless.</summary>
    public async Task RevokeAsync(GitLabOAuthApplication application, GitLabToken token, CancellationToken cancellationToken)
    {
        using var form = token.Reveal(value => new FormUrlEncodedContent([
            KeyValuePair.Create("client_id", application.ClientId),
            KeyValuePair.Create("client_secret", application.Secret),
            KeyValuePair.Create("token", value),
        ]));
        await _connection.PostFormAsync<RevokeAnswer>(_revokeEndpoint, "oauth:" + application.ClientId, form, cancellationToken);
    }

    private async Task<GitLabOAuthGrant> GrantAsync(
        GitLabOAuthApplication application,
        IEnumerable<KeyValuePair<string, string>> grant,
        CancellationToken cancellationToken
    )
    {
        using var form = new FormUrlEncodedContent([
            KeyValuePair.Create("client_id", application.ClientId),
            KeyValuePair.Create("client_secret", application.Secret),
            .. grant,
        ]);
        var answer = await _connection.PostFormAsync<TokenAnswer>(_tokenEndpoint, "oauth:" + application.ClientId, form, cancellationToken);
        if (string.IsNullOrWhiteSpace(answer.AccessToken) || string.IsNullOrWhiteSpace(answer.RefreshToken))
        {
            throw new GitLabException(
                GitLabErrorKind.Server,
                "GitLab's token endpoint answered without a token",
                request: "POST /oauth/token"
            );
        }

        return new GitLabOAuthGrant(
            new GitLabToken(answer.AccessToken) { IsOAuth = true },
            new GitLabToken(answer.RefreshToken),
            _time.GetUtcNow().AddSeconds(answer.ExpiresIn is > 0 ? answer.ExpiresIn.Value : DefaultLifetimeSeconds),
            answer.Scope ?? ""
        );
    }

    /// <summary>GitLab's access tokens live two hours; an answer without <c>expires_in</c> is taken to mean that.</summary>
    private const long DefaultLifetimeSeconds = 7_200;

    private sealed record RevokeAnswer;

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] long? ExpiresIn,
        [property: JsonPropertyName("scope")] string? Scope
    );
}
