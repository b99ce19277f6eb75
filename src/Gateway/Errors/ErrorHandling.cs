using System.Net;
using GitLabBus.Contracts;
using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Errors;

/// <summary>
/// Every error leaves the gateway as the contract's body: unhandled exceptions become a 500 that names
/// the request id (the details are in the log, never in the answer), an unreachable Redis a 503, bare statuses get a body too.
/// </summary>
public static class ErrorHandling
{
    public static WebApplication UseContractErrors(this WebApplication app)
    {
        app.UseExceptionHandler(handler =>
            handler.Run(async context =>
            {
                var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var (status, code, message) = failure switch
                {
                    BadHttpRequestException bad => (bad.StatusCode, ErrorCodes.ForStatus(bad.StatusCode), "the request could not be read"),
                    // Redis down or failing over (a master killed, its replica not yet promoted): the caller may retry.
                    RedisConnectionException or RedisTimeoutException => (
                        StatusCodes.Status503ServiceUnavailable,
                        ErrorCodes.CacheUnavailable,
                        "the state store is unavailable; retry shortly"
                    ),
                    _ => (
                        500,
                        ErrorCodes.Internal,
                        $"unexpected error; the gateway log has the details under request id {context.TraceIdentifier}"
                    ),
                };
                context.Response.StatusCode = status;
                if (status == StatusCodes.Status503ServiceUnavailable)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                await context.Response.WriteAsJsonAsync(ApiError.Body(code, message));
            })
        );

        app.UseStatusCodePages(async pages =>
        {
            var response = pages.HttpContext.Response;
            if (response.HasStarted || response.ContentLength > 0 || response.ContentType is not null)
            {
                return;
            }

            var message = response.StatusCode switch
            {
                StatusCodes.Status415UnsupportedMediaType => "the body must be JSON, sent with Content-Type: application/json",
                StatusCodes.Status405MethodNotAllowed => $"{pages.HttpContext.Request.Method} is not allowed here",
                StatusCodes.Status404NotFound => "no such endpoint; the API is described at /docs",
                var status => $"{status} {(HttpStatusCode)status}",
            };
            await response.WriteAsJsonAsync(ApiError.Body(ErrorCodes.ForStatus(response.StatusCode), message));
        });

        return app;
    }
}
