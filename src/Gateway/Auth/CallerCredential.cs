using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Gateway.Auth;

/// <summary>
/// Whom the work runs as in GitLab. On an organisation's paths (<c>/api/orgs/{org_id}/gitlab/...</c>): the organisation, at
/// its GitLab with its token (<see cref="OrgId"/>; the consumers read the token). Elsewhere: the token of the
/// <c>GitLab-Access-Token</c> header (a personal or project token, or <c>Bearer &lt;OAuth token&gt;</c>); else the GitLab account
/// the caller's session connected with OAuth (its access token is read, and renewed, by the consumers); else the service token
/// (<see cref="Ref"/> null). What is put in the credential store is the header's token or the session's id, so that messages
/// carry only <see cref="Ref"/>.
/// </summary>
public sealed record CallerCredential(string? Ref, string? OrgId = null)
{
    public const string Header = "GitLab-Access-Token";

    public static async ValueTask<CallerCredential> BindAsync(HttpContext http)
    {
        if (http.GetRouteValue(OrgAccess.RouteValue) is string org)
        {
            return new CallerCredential(null, org);
        }

        var value = http.Request.Headers[Header].ToString().Trim();
        var store = http.RequestServices.GetRequiredService<ICredentialStore>();
        if (value.Length == 0)
        {
            return await ConnectedSessionAsync(http) is { } session
                ? new CallerCredential(await store.PutAsync(new Credential(session, CredentialKind.Session), http.RequestAborted))
                : new CallerCredential((string?)null);
        }

        var token = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? new Credential(value["Bearer ".Length..], CredentialKind.OAuth)
            : new Credential(value);
        return new CallerCredential(await store.PutAsync(token, http.RequestAborted));
    }

    private static async Task<string?> ConnectedSessionAsync(HttpContext http)
    {
        var session = http.User.FindFirst(TokenIssuer.SessionClaim)?.Value;
        return
            session is not null
            && await http.RequestServices.GetRequiredService<IGitLabSessionStore>().IsConnectedAsync(session, http.RequestAborted)
            ? session
            : null;
    }
}
