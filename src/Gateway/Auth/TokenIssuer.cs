using GitLabBus.Gateway.Startup;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitLabBus.Gateway.Auth;

/// <summary>Mints tokens the gateway accepts: the embedded banner's admin token, and tests.</summary>
public static class TokenIssuer
{
    public static string Issue(
        GatewaySettings settings,
        string subject,
        IReadOnlyCollection<string> roles,
        TimeSpan lifetime,
        DateTimeOffset now
    ) =>
        new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = settings.JwtIssuer,
                Audience = settings.JwtAudience,
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = (now + lifetime).UtcDateTime,
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = subject,
                    ["oid"] = Guid.NewGuid().ToString(),
                    ["roles"] = roles.ToArray(),
                },
                SigningCredentials = new SigningCredentials(JwtAuthentication.SigningKey(settings), SecurityAlgorithms.HmacSha256),
            }
        );
}
