using System.Collections.Concurrent;
using System.Globalization;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>
/// What every <c>/api/v4</c> request meets before its endpoint, in GitLab's order: injected faults (latency, status),
/// authentication (<c>PRIVATE-TOKEN</c>, bearer, or <c>private_token</c>), and the per-token rate limit with its headers.
/// </summary>
public sealed class SimGate(RequestDelegate next, SimFaults faults, SimStore store, SimRequestCounts counts, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith("/api/v4", StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        if (faults.Take(path) is { } fault)
        {
            if (fault.LatencyMs > 0)
            {
                // Not cut short when the client goes away: like GitLab, which has the whole request before it works on
                // it, the request is still carried out, unanswered.
                http.Request.EnableBuffering();
                await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
                http.Request.Body.Position = 0;
                await Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMs), time, CancellationToken.None);
            }

            if (fault.Status is { } status)
            {
                if (fault.RetryAfterSeconds is { } retryAfter)
                {
                    http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                }

                await SimResults.Ok(new { message = $"{status} {ReasonOf(status)}" }, status).ExecuteAsync(http);
                return;
            }
        }

        // The trigger API authenticates by the trigger token in its form instead.
        var isTrigger = path.EndsWith("/trigger/pipeline", StringComparison.OrdinalIgnoreCase);
        var token = TokenOf(http.Request);
        var (caller, expired) = token is null
            ? (null, false)
            : store.Read(s => s.UserOfToken(token) is { } user ? (user, false) : OAuthUser(s, http, token));
        if (expired)
        {
            await SimResults
                .Ok(
                    new
                    {
                        error = "invalid_token",
                        error_description = "Token is expired. You can either do re-authorization or token refresh.",
                    },
                    401
                )
                .ExecuteAsync(http);
            return;
        }

        if (!isTrigger && caller is null)
        {
            await SimResults.Ok(new { message = "401 Unauthorized" }, 401).ExecuteAsync(http);
            return;
        }

        if (!Admit(http, token ?? "trigger"))
        {
            http.Response.Headers.RetryAfter = "60";
            await SimResults.Ok(new { message = "Retry later" }, 429).ExecuteAsync(http);
            return;
        }

        if (caller is not null)
        {
            SimCaller.Set(http, caller);
            counts.Count(caller.Username);
        }

        await next(http);
    }

    /// <summary>An OAuth access token counts only where GitLab takes one: as a bearer token or <c>access_token</c>.</summary>
    private static (SimUser? User, bool Expired) OAuthUser(SimStore store, HttpContext http, string token) =>
        http.Request.Headers.ContainsKey("PRIVATE-TOKEN") || http.Request.Query.ContainsKey("private_token")
            ? (null, false)
            : store.UserOfAccessToken(token);

    private static string? TokenOf(HttpRequest request) =>
        request.Headers["PRIVATE-TOKEN"].FirstOrDefault()
        ?? (
            request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? authorization["Bearer ".Length..].Trim()
                : null
        )
        ?? request.Query["private_token"].FirstOrDefault()
        ?? request.Query["access_token"].FirstOrDefault();

    /// <summary>A fixed one-minute window per token, announced with GitLab's RateLimit-* headers on every answer.</summary>
    private bool Admit(HttpContext http, string token)
    {
        var now = time.GetUtcNow();
        var window = _windows.AddOrUpdate(
            token,
            _ => new Window(now, 1),
            (_, current) => now - current.Start >= TimeSpan.FromMinutes(1) ? new Window(now, 1) : current with { Count = current.Count + 1 }
        );
        var limit = store.Options.RateLimitPerMinute;
        var reset = window.Start + TimeSpan.FromMinutes(1);
        var headers = http.Response.Headers;
        headers["RateLimit-Name"] = "throttle_authenticated_api";
        headers["RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Observed"] = window.Count.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = Math.Max(0, limit - window.Count).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-ResetTime"] = reset.ToString("r", CultureInfo.InvariantCulture);
        return window.Count <= limit;
    }

    private static string ReasonOf(int status) =>
        status switch
        {
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Error",
        };

    private sealed record Window(DateTimeOffset Start, int Count);
}
