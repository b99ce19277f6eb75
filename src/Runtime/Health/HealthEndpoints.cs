using System.Text.Json;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Runtime.Health;

/// <summary>
/// <c>/health</c> (every check), <c>/health/live</c> (the process answers), <c>/health/ready</c> (ready for
/// traffic), <c>/health/redis</c>, <c>/health/rabbitmq</c>, <c>/health/gitlab</c>: 200 when healthy or degraded, 503 when not,
/// with a JSON body naming each check.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    /// <summary>GitLab's check: the consumers' own call to GitLab, or, on a gateway without them, their answer over the bus.</summary>
    public const string GitLabTag = "gitlab";

    /// <summary>The embedding provider's check, registered where embeddings are computed (the consumers role).</summary>
    public const string EmbeddingsTag = "embeddings";

    public static IEndpointRouteBuilder MapGitLabBusHealth(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/health", _ => true);
        Map(endpoints, "/health/live", _ => false);
        Map(endpoints, "/health/ready", check => check.Tags.Contains(ReadyTag));
        Map(endpoints, "/health/redis", check => check.Tags.Contains(StateRegistration.HealthTag));
        Map(endpoints, "/health/rabbitmq", check => check.Tags.Contains(BusRegistration.HealthTag));
        Map(endpoints, "/health/gitlab", check => check.Tags.Contains(GitLabTag));
        Map(endpoints, "/health/embeddings", check => check.Tags.Contains(EmbeddingsTag));
        return endpoints;
    }

    /// <summary>Lets a later capability add its own <c>/health/{name}</c> for the checks <paramref name="predicate"/> picks.</summary>
    public static IEndpointConventionBuilder Map(
        IEndpointRouteBuilder endpoints,
        string path,
        Func<HealthCheckRegistration, bool> predicate
    ) => endpoints.MapHealthChecks(path, new HealthCheckOptions { Predicate = predicate, ResponseWriter = WriteJson }).WithTags("health");

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString().ToLowerInvariant(),
                    description = entry.Value.Description,
                    duration_ms = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }
            ),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
