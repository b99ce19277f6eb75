using GitLabBus.GitLab;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Runtime.GitLab;

public static class GitLabServices
{
    /// <summary>The settings, the GitLab client for them and its health check, tagged <see cref="GitLabHealthCheck.Tag"/>.</summary>
    public static IServiceCollection AddGitLab(this IServiceCollection services, GitLabSettings settings)
    {
        services.AddSingleton(settings);
        services.AddGitLabClient(settings.Client);
        services.AddHealthChecks().AddCheck<GitLabHealthCheck>("gitlab", timeout: TimeSpan.FromSeconds(10), tags: [GitLabHealthCheck.Tag]);
        return services;
    }
}
