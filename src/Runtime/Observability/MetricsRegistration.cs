using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace GitLabBus.Runtime.Observability;

/// <summary>
/// <c>/metrics</c> in Prometheus text on every host: MassTransit's meter, every meter of ours (named <c>GitLabBus.*</c>:
/// the GitLab client's, each capability's, the gateway's), .NET runtime metrics, and whatever the host adds (ASP.NET Core's).
/// </summary>
public static class MetricsRegistration
{
    /// <summary>Every meter of ours is named <c>GitLabBus.Something</c>: a capability's meter is exported without being listed
    /// here.</summary>
    public const string OurMeters = "GitLabBus.*";

    public static IServiceCollection AddGitLabBusMetrics(this IServiceCollection services, Action<MeterProviderBuilder>? hostMetrics = null)
    {
        services
            .AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("MassTransit", OurMeters).AddRuntimeInstrumentation().AddPrometheusExporter();
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
