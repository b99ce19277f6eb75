using GitLabBus.GitLab;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Runtime.GitLab;

/// <summary><c>/health/gitlab</c>: GitLab's <c>/version</c> answers with the configured token.</summary>
public sealed class GitLabHealthCheck(GitLabClientFactory clients) : IHealthCheck
{
    public const string Tag = "gitlab";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await clients.Create().GetVersionAsync(cancellationToken);
            return HealthCheckResult.Healthy($"GitLab {version.Version} at {clients.Options.BaseUrl}");
        }
        catch (GitLabException failure)
        {
            return HealthCheckResult.Unhealthy($"GitLab at {clients.Options.BaseUrl}: {failure.Kind} ({failure.GitLabMessage})");
        }
    }
}
