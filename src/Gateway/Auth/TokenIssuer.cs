using GitLabBus.Gateway.Startup;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitLabBus.Gateway.Auth;

/// <summary>Mints tokens the gateway accepts: logins, the token command, the embedded banner's admin token, and tests.</summary>
public static class TokenIssuer
{
    /// <summary>The session a token belongs to (the seed's <c>oid</c>): what a GitLab OAuth connection is kept for.</summary>
    public const string SessionClaim = "oid";

    /// <param name="session">The <c>oid</c> claim: a login's session, kept across its refreshes; a new one when null.</param>
    /// <param name="orgs">The organisations the token may act for (claim <c>orgs</c>); none when null.</param>
    /// <param name="projects">
    /// The projects the token may work on (claims <c>project_access: granted</c> and <c>projects</c>); null for every project.
    /// </param>
    public static string Issue(
        GatewaySettings settings,
        string subject,
        IReadOnlyCollection<string> roles,
        TimeSpan lifetime,
        DateTimeOffset now,
        string? session = null,
        IReadOnlyCollection<long>? projects = null,
        IReadOnlyCollection<string>? orgs = null
    )
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            [SessionClaim] = session ?? Guid.NewGuid().ToString(),
            ["roles"] = roles.ToArray(),
        };
        if (orgs is { Count: > 0 })
        {
            claims[OrgAccess.OrgsClaim] = orgs.ToArray();
        }

        if (projects is not null)
        {
            claims[ProjectAccess.ScopeClaim] = ProjectAccess.Granted;
            claims[ProjectAccess.ProjectsClaim] = projects.ToArray();
        }

        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = settings.JwtIssuer,
                Audience = settings.JwtAudience,
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = (now + lifetime).UtcDateTime,
                Claims = claims,
                SigningCredentials = new SigningCredentials(JwtAuthentication.SigningKey(settings), SecurityAlgorithms.HmacSha256),
            }
        );
    }
}
