using GitLabBus.Gateway.Webhooks;
using GitLabBus.Runtime.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Events;

namespace GitLabBus.Gateway.Observability;

/// <summary>
/// <c>/metrics</c> in Prometheus text: the platform's meters (every role this process runs), the gateway's
/// own counters and ASP.NET Core's; spans to an OTLP collector when one is configured. One request log line per request, at Debug for
/// health and metrics scrapes so they do not drown the rest.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<WebhookMetrics>();
        return services
            .AddGitLabBusMetrics(metrics => metrics.AddMeter(WebhookMetrics.MeterName).AddAspNetCoreInstrumentation())
            .AddGitLabBusTracing(tracing => tracing.AddAspNetCoreInstrumentation());
    }

    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = (context, _, failure) =>
                failure is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics")
                    ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });
        return app;
    }

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints) => endpoints.MapGitLabBusMetrics();
}
