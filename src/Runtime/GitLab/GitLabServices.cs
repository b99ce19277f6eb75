using GitLabBus.GitLab;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Runtime.GitLab;

public static class GitLabServices
{
    /// <summary>The settings, the GitLab client for them and its health check, tagged <see cref="GitLabHealthCheck.Tag"/>.</summary>
    /// <remarks>Both the gateway (health, embedded simulator) and the consumers role ask for it; all-in-one registers it once.</remarks>
    public static IServiceCollection AddGitLab(this IServiceCollection services, GitLabSettings settings)
    {
        if (services.Any(service => service.ServiceType == typeof(GitLabSettings)))
        {
            return services;
        }

        services.AddSingleton(settings);
        services.AddGitLabClient(settings.Client);
        services.AddHealthChecks().AddCheck<GitLabHealthCheck>("gitlab", timeout: TimeSpan.FromSeconds(10), tags: [GitLabHealthCheck.Tag]);
        return services;
    }
}
