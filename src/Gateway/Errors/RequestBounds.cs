using GitLabBus.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GitLabBus.Gateway.Errors;

/// <summary>
/// How long a request line and its headers may be. The web server refuses what exceeds its own limits with a bare status
/// before any of our code runs, so its limits are set well above ours and ours answer first, with the contract's body:
/// <c>414</c> for a target over <see cref="MaxTargetLength"/>, <c>431</c> for headers over <see cref="MaxHeadersLength"/>.
/// Beyond the server's limits (four times ours), for a target it cannot parse (a NUL in the path) and for malformed HTTP
/// the server answers itself, and <see cref="KestrelRejections"/> gives that answer the contract's body too.
/// </summary>
public static class RequestBounds
{
    public const int MaxTargetLength = 8 * 1024;
    public const int MaxHeadersLength = 32 * 1024;

    /// <summary>The web server's own limits, past which it refuses before our code (<see cref="KestrelRejections"/>).</summary>
    public const int ServerTargetLimit = 4 * MaxTargetLength;

    public const int ServerHeadersLimit = 4 * MaxHeadersLength;

    public static void LimitServer(KestrelServerOptions server)
    {
        server.Limits.MaxRequestLineSize = ServerTargetLimit;
        server.Limits.MaxRequestHeadersTotalSize = ServerHeadersLimit;
        server.ConfigureEndpointDefaults(listen => listen.Use(KestrelRejections.Rewrite));
    }

    public static WebApplication UseRequestBounds(this WebApplication app)
    {
        app.Use(
            async (context, next) =>
            {
                if (Refusal(context) is { } refusal)
                {
                    context.Response.StatusCode = refusal.Status;
                    context.Response.Headers.Connection = "close";
                    await context.Response.WriteAsJsonAsync(
                        ApiError.Body(ErrorCodes.InvalidRequest, refusal.Message),
                        context.RequestAborted
                    );
                    return;
                }

                await next(context);
            }
        );
        return app;
    }

    private sealed record BoundRefusal(int Status, string Message);

    private static BoundRefusal? Refusal(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw.Length
            : context.Request.Path.Value?.Length + context.Request.QueryString.Value?.Length ?? 0;
        if (target > MaxTargetLength)
        {
            return new(StatusCodes.Status414UriTooLong, $"the request target is longer than {MaxTargetLength} characters");
        }

        var headers = 0L;
        foreach (var (name, values) in context.Request.Headers)
        {
            headers += name.Length + 4;
            foreach (var value in values)
            {
                headers += value?.Length ?? 0;
            }
        }

        return headers > MaxHeadersLength
            ? new(StatusCodes.Status431RequestHeaderFieldsTooLarge, $"the request headers are longer than {MaxHeadersLength} bytes in all")
            : null;
    }
}
