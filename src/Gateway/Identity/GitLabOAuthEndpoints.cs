using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// A session connects its own GitLab account with OAuth (CONTRACT 9, seed gitlab_client_service, the same paths and bodies):
/// <c>authorize</c> sends the browser to GitLab with a signed <c>state</c>, a PKCE challenge and a cookie that ties the flow to
/// that browser; <c>callback</c> checks all three, spends the state, and has the consumers redeem the code (the gateway
/// makes no GitLab call); <c>status</c> and <c>disconnect</c> act on the bearer token's session (<c>oid</c>). From then on the
/// session's <c>/gitlab/*</c> work runs as that GitLab user.
/// </summary>
public static partial class GitLabOAuthEndpoints
{
    /// <summary>The flow's nonce, for the callback to compare with the state's: only the browser that began a flow ends it.</summary>
    public const string FlowCookie = "gitlabbus_oauth_flow";

    public static IEndpointRouteBuilder MapGitLabOAuth(this IEndpointRouteBuilder endpoints)
    {
        var oauth = endpoints.MapGroup("/auth/gitlab").WithTags("identity");
        oauth
            .MapGet("/authorize", Authorize)
            .AllowAnonymous()
            .WithSummary(
                "Connect a session to GitLab: a redirect to GitLab's authorization page (session_id, or the bearer token's session; "
                    + "redirect_uri a path here or on an allowed origin)"
            )
            .Produces(StatusCodes.Status302Found)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status403Forbidden)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        oauth
            .MapGet("/callback", Callback)
            .AllowAnonymous()
            .WithSummary("Where GitLab sends the browser back: the code redeemed, the session connected, a redirect to redirect_uri")
            .Produces(StatusCodes.Status302Found)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        oauth
            .MapGet("/status", Status)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("Whether the bearer token's session is connected to GitLab, and whether OAuth is configured")
            .Produces<ConnectionStatus>();
        oauth
            .MapPost("/disconnect", Disconnect)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("Forget the bearer token's session's GitLab tokens")
            .Produces<DisconnectAnswer>();
        return endpoints;
    }

    private static IResult Authorize(
        HttpContext http,
        GitLabSettings gitlab,
        GitLabOAuthState states,
        GitLabOAuthCallback callback,
        string? session_id,
        string? redirect_uri
    )
    {
        if (!gitlab.OAuth.Configured)
        {
            return NotConfigured();
        }

        var own = http.User.FindFirst(TokenIssuer.SessionClaim)?.Value;
        var session = string.IsNullOrEmpty(session_id) ? own : session_id;
        if (session is null || !SessionIdPattern().IsMatch(session))
        {
            return ApiError.InvalidRequest("session_id is required: 1 to 128 letters, digits, '.', '_', ':' or '-'");
        }

        if (own is not null && own != session)
        {
            return ApiError.Result(ErrorCodes.Forbidden, "a bearer token connects only its own session (its oid)");
        }

        var redirect = string.IsNullOrEmpty(redirect_uri) ? "/" : redirect_uri;
        if (!IsAllowedRedirect(redirect, gitlab.OAuth))
        {
            return ApiError.InvalidRequest(
                "redirect_uri must be a path on this gateway (/...) or a URL on an origin of GITLAB_OAUTH_ALLOWED_ORIGINS"
            );
        }

        var (state, flow) = states.Issue(session, redirect);
        http.Response.Cookies.Append(
            FlowCookie,
            flow.Csrf,
            new CookieOptions
            {
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                Path = "/auth/gitlab",
                MaxAge = GitLabOAuthState.Lifetime,
            }
        );
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = gitlab.OAuth.ClientId,
            ["redirect_uri"] = callback.Address.ToString(),
            ["response_type"] = "code",
            ["state"] = state,
            ["scope"] = gitlab.OAuth.Scopes,
            ["code_challenge"] = GitLabOAuthState.ChallengeOf(states.VerifierOf(flow)),
            ["code_challenge_method"] = "S256",
        };
        var authorize = gitlab.ApiBaseUrl.ToString().TrimEnd('/') + "/oauth/authorize";
        return Results.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(authorize, query));
    }

    private static async Task<IResult> Callback(
        HttpContext http,
        GitLabOAuthState states,
        GitLabOAuthCallback callback,
        IGitLabSessionStore sessions,
        ICredentialStore credentials,
        BusRequests bus,
        ILogger<GitLabOAuthState> logger,
        string? code,
        string? state,
        string? error,
        CancellationToken cancellationToken
    )
    {
        if (states.Verify(state) is not { } flow)
        {
            return ApiError.InvalidRequest("the OAuth state is missing, forged or expired: start again at /auth/gitlab/authorize");
        }

        if (!SameNonce(http.Request.Cookies[FlowCookie], flow.Csrf))
        {
            return ApiError.InvalidRequest(
                "this browser did not start this authorization (its flow cookie is missing or different): start again at "
                    + "/auth/gitlab/authorize"
            );
        }

        if (!string.IsNullOrEmpty(error))
        {
            var reason = OAuthErrorPattern().IsMatch(error) ? error : "an unreadable error";
            return ApiError.InvalidRequest($"GitLab did not authorize the connection ({reason})");
        }

        if (string.IsNullOrWhiteSpace(code) || code.Length > 512)
        {
            return ApiError.InvalidRequest("code is required: GitLab's callback carries it");
        }

        if (!await sessions.SpendStateAsync(flow.Csrf, DateTimeOffset.FromUnixTimeSeconds(flow.Exp), cancellationToken))
        {
            return ApiError.InvalidRequest("this authorization has been used already: start again at /auth/gitlab/authorize");
        }

        var request = new GitLabConnectRequested
        {
            SessionId = flow.Sid,
            CodeRef = await credentials.PutAsync(new Credential(code), cancellationToken),
            VerifierRef = await credentials.PutAsync(new Credential(states.VerifierOf(flow)), cancellationToken),
            RedirectUri = callback.Address.ToString(),
        };
        var (_, refused) = await bus.AskAsync<GitLabConnectRequested, GitLabConnected>(request, cancellationToken);
        http.Response.Cookies.Delete(FlowCookie, new CookieOptions { Path = "/auth/gitlab" });
        if (refused is not null)
        {
            return refused;
        }

        logger.LogInformation("Session {SessionId} connected its GitLab account", flow.Sid);
        return Results.Redirect(flow.Redirect);
    }

    private static async Task<IResult> Status(
        HttpContext http,
        GitLabSettings gitlab,
        IGitLabSessionStore sessions,
        CancellationToken cancellationToken
    ) =>
        Results.Ok(
            new ConnectionStatus(
                http.User.FindFirst(TokenIssuer.SessionClaim)?.Value is { } session
                    && await sessions.IsConnectedAsync(session, cancellationToken),
                gitlab.OAuth.Configured
            )
        );

    /// <summary>
    /// Forgets the session's tokens at once (its work runs as the service from the next request), then has the consumers revoke
    /// the grant at GitLab. A broker that cannot take that request leaves the grant to the user to revoke in GitLab: the
    /// disconnection here stands, and the log says so.
    /// </summary>
    private static async Task<IResult> Disconnect(
        HttpContext http,
        IGitLabSessionStore sessions,
        ICredentialStore credentials,
        OperationStarter operations,
        ILoggerFactory loggers,
        CancellationToken cancellationToken
    )
    {
        if (http.User.FindFirst(TokenIssuer.SessionClaim)?.Value is not { } session)
        {
            return Results.Ok(new DisconnectAnswer(true));
        }

        var connection = await sessions.GetAsync(session, cancellationToken);
        await sessions.DeleteAsync(session, cancellationToken);
        if (connection is not null)
        {
            var revoke = new GitLabRevokeRequested
            {
                SessionId = session,
                TokenRef = await credentials.PutAsync(connection.RefreshToken, cancellationToken),
            };
            if (await operations.PublishAsync(revoke, cancellationToken) is not null)
            {
                loggers
                    .CreateLogger(typeof(GitLabOAuthEndpoints))
                    .LogWarning(
                        "Session {SessionId} disconnected, but the bus did not take the revocation of its GitLab grant: it ends when "
                            + "the user revokes it in GitLab",
                        session
                    );
            }
        }

        return Results.Ok(new DisconnectAnswer(true));
    }

    /// <summary>A path on this gateway (not <c>//host</c>, which browsers read as another host), or an allowed origin's URL.</summary>
    private static bool IsAllowedRedirect(string redirect, GitLabOAuthSettings settings)
    {
        if (redirect.Length > 2_048 || redirect.Any(char.IsControl) || redirect.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        if (redirect.StartsWith('/'))
        {
            return !redirect.StartsWith("//", StringComparison.Ordinal);
        }

        return Uri.TryCreate(redirect, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && settings.AllowedOrigins.Contains(uri.GetLeftPart(UriPartial.Authority), StringComparer.OrdinalIgnoreCase);
    }

    private static bool SameNonce(string? cookie, string nonce) =>
        cookie is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(cookie), Encoding.UTF8.GetBytes(nonce));

    private static IResult NotConfigured() =>
        ApiError.NotFound(
            "GitLab OAuth is not configured: set GITLAB_OAUTH_CLIENT_ID, GITLAB_OAUTH_CLIENT_SECRET and GITLAB_OAUTH_REDIRECT_URI"
        );

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex SessionIdPattern();

    [GeneratedRegex("^[a-z_]{1,64}$")]
    private static partial Regex OAuthErrorPattern();
}

public sealed record ConnectionStatus(bool Connected, bool Configured);

public sealed record DisconnectAnswer(bool Disconnected);
