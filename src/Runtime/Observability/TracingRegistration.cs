using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace GitLabBus.Runtime.Observability;

/// <summary>
/// Spans go out by OTLP when <see cref="EndpointVariable"/> names a collector (the exporter reads it and the other
/// standard <c>OTEL_*</c> variables itself): MassTransit's (a message's path across hosts, one trace from the webhook to
/// the work), every source of ours (<c>GitLabBus.*</c>) and whatever the host adds (the gateway's requests). Without a
/// collector nothing is recorded, so nothing is paid.
/// </summary>
public static class TracingRegistration
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddGitLabBusTracing(
        this IServiceCollection services,
        Action<TracerProviderBuilder>? hostTracing = null
    )
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable)))
        {
            return services;
        }

        services
            .AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource("MassTransit", MetricsRegistration.OurMeters).AddOtlpExporter();
                hostTracing?.Invoke(tracing);
            });
        return services;
    }
}
