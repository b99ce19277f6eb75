using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>GitLab's health as the consumers see it: GitLab's <c>/version</c> answers with the service token.</summary>
public sealed class GitLabHealthCheck(GitLabClientFactory clients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await ReportAsync(cancellationToken);
        return report.Healthy ? HealthCheckResult.Healthy(report.Description) : HealthCheckResult.Unhealthy(report.Description);
    }

    public async Task<GitLabHealthReport> ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            var version = await clients.Create().GetVersionAsync(cancellationToken);
            return new GitLabHealthReport(true, $"GitLab {version.Version} at {clients.Options.BaseUrl}");
        }
        catch (GitLabException failure)
        {
            return new GitLabHealthReport(false, $"GitLab at {clients.Options.BaseUrl}: {failure.Kind} ({failure.GitLabMessage})");
        }
    }

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<GitLabHealthCheck>();
        services
            .AddHealthChecks()
            .AddCheck<GitLabHealthCheck>("gitlab", timeout: TimeSpan.FromSeconds(10), tags: [HealthEndpoints.GitLabTag]);
    }
}
