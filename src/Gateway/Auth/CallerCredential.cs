using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Gateway.Auth;

/// <summary>
/// The caller's own GitLab token, from the <c>GitLab-Access-Token</c> header (a personal or project token, or
/// <c>Bearer &lt;OAuth token&gt;</c>): put in the credential store, so that the work runs as the caller while
/// messages carry only <see cref="Ref"/>. Without the header the work uses the service token (<see cref="Ref"/> null).
/// </summary>
public sealed record CallerCredential(string? Ref)
{
    public const string Header = "GitLab-Access-Token";

    public static async ValueTask<CallerCredential> BindAsync(HttpContext http)
    {
        var value = http.Request.Headers[Header].ToString().Trim();
        if (value.Length == 0)
        {
            return new CallerCredential((string?)null);
        }

        var token = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? new Credential(value["Bearer ".Length..], isOAuth: true)
            : new Credential(value);
        var store = http.RequestServices.GetRequiredService<ICredentialStore>();
        return new CallerCredential(await store.PutAsync(token, http.RequestAborted));
    }
}
