using System.Text;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>
/// GitLab's OAuth 2 provider as the gateway needs it: applications registered by an administrator
/// (<c>POST /api/v4/applications</c>), <c>GET /oauth/authorize</c> approving at once for <c>SIMULATOR_OAUTH_USER</c> (the
/// authorization code flow, PKCE with S256), and <c>POST /oauth/token</c> for codes and refresh tokens (a refresh spends the old
/// refresh token), and <c>POST /oauth/revoke</c> (RFC 7009, as GitLab's Doorkeeper answers it: <c>200 {}</c> whether or not the
/// token was known). Access tokens expire after <c>SIMULATOR_OAUTH_TOKEN_SECONDS</c> of simulated time.
/// </summary>
public static class OAuthEndpoints
{
    public static void MapApplications(this RouteGroupBuilder api) =>
        api.MapPost(
            "/applications",
            (HttpContext http, SimStore store, SimParams parameters) =>
                store.Write(s =>
                {
                    if (!SimCaller.Of(http, s).IsAdmin)
                    {
                        return SimResults.Forbidden();
                    }

                    var missing = new[] { "name", "redirect_uri", "scopes" }.FirstOrDefault(field =>
                        string.IsNullOrWhiteSpace(parameters.String(field))
                    );
                    if (missing is not null)
                    {
                        return SimResults.Missing(missing);
                    }

                    var application = s.RegisterApplication(
                        parameters.String("name")!,
                        parameters.String("redirect_uri")!,
                        parameters.String("scopes")!
                    );
                    return SimResults.Created(
                        new
                        {
                            id = application.Id,
                            application_id = application.ClientId,
                            application_name = application.Name,
                            secret = application.Secret,
                            callback_url = application.RedirectUri,
                            confidential = true,
                        }
                    );
                })
        );

    public static void MapOAuth(this WebApplication app)
    {
        app.MapGet("/oauth/authorize", (SimStore store, SimParams parameters) => store.Write(s => Authorize(s, parameters)));
        app.MapPost(
            "/oauth/token",
            (HttpContext http, SimStore store, SimParams parameters) => store.Write(s => Token(http, s, parameters))
        );
        app.MapPost(
            "/oauth/revoke",
            (HttpContext http, SimStore store, SimParams parameters) => store.Write(s => Revoke(http, s, parameters))
        );
    }

    /// <summary>The grant holding the token (access or refresh) ends, both its tokens with it; a client that is not the grant's
    /// revokes nothing, and hears the same <c>200 {}</c>.</summary>
    private static IResult Revoke(HttpContext http, SimStore store, SimParams parameters)
    {
        var (clientId, clientSecret) = ClientOf(http, parameters);
        var application = store.FindApplication(clientId);
        if (application is null || clientSecret is null || !SimStore.SameSecret(application.Secret, clientSecret))
        {
            return InvalidClient();
        }

        store.Revoke(parameters.String("token") ?? "", application);
        return SimResults.Ok(new { });
    }

    private static IResult Authorize(SimStore store, SimParams parameters)
    {
        var application = store.FindApplication(parameters.String("client_id"));
        if (application is null)
        {
            return InvalidClient();
        }

        var redirectUri = parameters.String("redirect_uri") ?? application.RedirectUri;
        if (redirectUri != application.RedirectUri)
        {
            return Error(400, "invalid_redirect_uri", "The redirect uri included is not valid.");
        }

        var state = parameters.String("state");
        if (parameters.String("response_type") != "code")
        {
            return Redirect(redirectUri, ("error", "unsupported_response_type"), ("state", state));
        }

        var challenge = parameters.String("code_challenge");
        if (challenge is not null && (parameters.String("code_challenge_method") ?? "plain") != "S256")
        {
            return Redirect(
                redirectUri,
                ("error", "invalid_request"),
                ("error_description", "code_challenge_method must be S256"),
                ("state", state)
            );
        }

        var user = store.FindUser(store.Options.OAuthUser) ?? store.Root;
        var code = store.IssueCode(application, redirectUri, user, parameters.String("scope") ?? application.Scopes, challenge);
        return Redirect(redirectUri, ("code", code.Code), ("state", state));
    }

    private static IResult Token(HttpContext http, SimStore store, SimParams parameters)
    {
        var (clientId, clientSecret) = ClientOf(http, parameters);
        var application = store.FindApplication(clientId);
        if (application is null || clientSecret is null || !SimStore.SameSecret(application.Secret, clientSecret))
        {
            return InvalidClient();
        }

        var grantType = parameters.String("grant_type");
        if (grantType is not ("authorization_code" or "refresh_token"))
        {
            return Error(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        }

        var grant = grantType switch
        {
            "authorization_code" => store.RedeemCode(
                parameters.String("code") ?? "",
                application,
                parameters.String("redirect_uri"),
                parameters.String("code_verifier")
            )
                is { } code
                ? store.Grant(application.ClientId, code.UserId, code.Scopes)
                : null,
            _ => store.Refresh(parameters.String("refresh_token") ?? "", application),
        };
        if (grant is null)
        {
            return Error(
                400,
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the "
                    + "authorization request, or was issued to another client."
            );
        }

        http.Response.Headers.CacheControl = "no-store";
        return SimResults.Ok(
            new
            {
                access_token = grant.AccessToken,
                token_type = "Bearer",
                expires_in = (long)store.Options.OAuthTokenLifetime.TotalSeconds,
                refresh_token = grant.RefreshToken,
                scope = grant.Scopes,
                created_at = store.Now.ToUnixTimeSeconds(),
            }
        );
    }

    /// <summary>The client's credentials: in the body, or as HTTP Basic (both are OAuth 2's ways).</summary>
    private static (string? Id, string? Secret) ClientOf(HttpContext http, SimParams parameters)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var split = pair.IndexOf(':', StringComparison.Ordinal);
                return split < 0 ? (null, null) : (Uri.UnescapeDataString(pair[..split]), Uri.UnescapeDataString(pair[(split + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (parameters.String("client_id"), parameters.String("client_secret"));
    }

    private static IResult Redirect(string redirectUri, params (string Name, string? Value)[] query)
    {
        var pairs = query.Where(pair => pair.Value is not null).Select(pair => $"{pair.Name}={Uri.EscapeDataString(pair.Value!)}");
        return Results.Redirect(
            $"{redirectUri}{(redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{string.Join('&', pairs)}"
        );
    }

    private static IResult InvalidClient() =>
        Error(
            401,
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."
        );

    private static IResult Error(int status, string error, string description) =>
        SimResults.Ok(new { error, error_description = description }, status);
}
