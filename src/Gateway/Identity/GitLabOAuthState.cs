using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GitLabBus.Gateway.Startup;

namespace GitLabBus.Gateway.Identity;

/// <summary>What a flow's <c>state</c> says: whose session, where the browser goes after, the nonce its cookie and PKCE
/// verifier come from, and until when it is good (Unix seconds).</summary>
public sealed record GitLabOAuthFlow(string Sid, string Redirect, string Csrf, long Exp);

/// <summary>
/// The OAuth <c>state</c> of the stateless flow (seed gitlab_client_service): base64url JSON of <see cref="GitLabOAuthFlow"/>,
/// a dot, and its HMAC-SHA256, so nobody can forge one or change its session or redirect. The PKCE verifier is derived from
/// the nonce with another key, so the callback knows it without storing anything, and it never leaves the services but
/// for GitLab's token endpoint. Both keys are derived from <c>LOCAL_JWT_SECRET</c>.
/// </summary>
public sealed class GitLabOAuthState(GatewaySettings gateway, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly byte[] _stateKey = Derive(gateway, "gitlabbus/oauth-state/v1");
    private readonly byte[] _verifierKey = Derive(gateway, "gitlabbus/oauth-pkce/v1");

    public (string State, GitLabOAuthFlow Flow) Issue(string sessionId, string redirect)
    {
        var flow = new GitLabOAuthFlow(
            sessionId,
            redirect,
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24)),
            (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds()
        );
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(flow));
        return ($"{payload}.{Sign(payload)}", flow);
    }

    /// <summary>The flow a state names, or null when it is malformed, forged or past its time.</summary>
    public GitLabOAuthFlow? Verify(string? state)
    {
        var dot = state?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (state is null || dot <= 0 || state.Length > 2_048)
        {
            return null;
        }

        var payload = state[..dot];
        if (!Base64Url.IsValid(state.AsSpan(dot + 1)) || !Base64Url.IsValid(payload.AsSpan()))
        {
            return null;
        }

        var expected = Base64Url.DecodeFromChars(Sign(payload));
        if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(state.AsSpan(dot + 1))))
        {
            return null;
        }

        try
        {
            var flow = JsonSerializer.Deserialize<GitLabOAuthFlow>(Base64Url.DecodeFromChars(payload));
            return flow is not null && flow.Exp > time.GetUtcNow().ToUnixTimeSeconds() ? flow : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The flow's PKCE verifier (43 characters, as RFC 7636 asks at least).</summary>
    public string VerifierOf(GitLabOAuthFlow flow) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_verifierKey, Encoding.UTF8.GetBytes(flow.Csrf)));

    public static string ChallengeOf(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private string Sign(string payload) => Base64Url.EncodeToString(HMACSHA256.HashData(_stateKey, Encoding.ASCII.GetBytes(payload)));

    private static byte[] Derive(GatewaySettings gateway, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(gateway.JwtSecret), 32, info: Encoding.ASCII.GetBytes(purpose));
}
