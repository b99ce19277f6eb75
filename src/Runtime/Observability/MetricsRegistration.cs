using GitLabBus.GitLab;
using GitLabBus.Runtime.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace GitLabBus.Runtime.Observability;

/// <summary>
/// <c>/metrics</c> in Prometheus text on every host: MassTransit's meter, the GitLab client's, the pipelines', .NET
/// runtime metrics, and whatever the host adds (the gateway its webhook counters and ASP.NET Core's).
/// </summary>
public static class MetricsRegistration
{
    public static IServiceCollection AddGitLabBusMetrics(this IServiceCollection services, Action<MeterProviderBuilder>? hostMetrics = null)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics
                .AddMeter("MassTransit", GitLabTelemetry.MeterName, PipelineTelemetry.Name)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter();
            hostMetrics?.Invoke(metrics);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapGitLabBusMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
