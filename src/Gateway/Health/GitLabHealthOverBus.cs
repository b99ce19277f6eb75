using GitLabBus.Contracts;
using GitLabBus.Runtime.Health;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Gateway.Health;

/// <summary>
/// <c>/health/gitlab</c> on a gateway in front of separate consumers: it never calls GitLab itself, so it asks them.
/// No answer means no consumer is there to do GitLab work, which is as unhealthy as GitLab being down.
/// </summary>
public sealed class GitLabHealthOverBus(IRequestClient<GitLabHealthQuery> consumers) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var answer = await consumers.GetResponse<GitLabHealthReport>(
                new GitLabHealthQuery(),
                cancellationToken,
                RequestTimeout.After(s: (int)Timeout.TotalSeconds)
            );
            return answer.Message.Healthy
                ? HealthCheckResult.Healthy($"{answer.Message.Description} (as the consumers see it)")
                : HealthCheckResult.Unhealthy($"{answer.Message.Description} (as the consumers see it)");
        }
        catch (RequestTimeoutException)
        {
            return HealthCheckResult.Unhealthy($"no consumer answered within {Timeout.TotalSeconds:0} s: GitLab work cannot run");
        }
    }

    public static IServiceCollection Register(IServiceCollection services)
    {
        services
            .AddHealthChecks()
            .AddCheck<GitLabHealthOverBus>("gitlab", timeout: Timeout + TimeSpan.FromSeconds(2), tags: [HealthEndpoints.GitLabTag]);
        return services;
    }
}
