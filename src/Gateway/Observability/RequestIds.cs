using GitLabBus.Runtime.Logging;

namespace GitLabBus.Gateway.Observability;

/// <summary>
/// Accepts the caller's <c>X-Request-ID</c> (or makes one), echoes it, puts it on every log line of the
/// request and, through <see cref="RequestContext"/>, on every message the request publishes.
/// </summary>
public static class RequestIds
{
    public static WebApplication UseRequestIds(this WebApplication app)
    {
        app.Use(
            async (context, next) =>
            {
                var requestId = RequestContext.Normalize(context.Request.Headers[RequestContext.HeaderName]);
                context.TraceIdentifier = requestId;
                context.Response.Headers[RequestContext.HeaderName] = requestId;
                RequestContext.RequestId = requestId;
                await next(context);
            }
        );
        return app;
    }
}
