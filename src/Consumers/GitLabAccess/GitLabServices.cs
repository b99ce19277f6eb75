using GitLabBus.Consumers.Identity;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Consumers.GitLabAccess;

public static class GitLabServices
{
    /// <summary>
    /// The GitLab client as the consumers use it (the gitlab_client_service contract's settings: <c>GITLAB_VERIFY_SSL</c>,
    /// <c>HTTP_CONNECTION_TIMEOUT</c>,
    /// <c>RETRY_MAX_ATTEMPTS</c>, <c>RETRY_BACKOFF_FACTOR</c>, ...), clients per caller, and GitLab's health as the consumers see it.
    /// </summary>
    public static IServiceCollection AddGitLab(this IServiceCollection services, SettingsReader reader)
    {
        var settings = GitLabSettings.Read(reader);
        services.TryAddSingleton(settings);
        services.AddGitLabClient(ClientOptions(settings, reader));
        services.TryAddSingleton<GitLabSessionTokens>();
        services.TryAddSingleton<GitLabClients>();
        return services;
    }

    private static GitLabClientOptions ClientOptions(GitLabSettings settings, SettingsReader reader)
    {
        var replay = reader.Optional("GITLAB_REPLAY");
        if (replay is not null && !File.Exists(replay))
        {
            throw new InvalidSettingException("GITLAB_REPLAY", "must name an existing recording file");
        }

        return new GitLabClientOptions
        {
            BaseUrl = settings.ApiBaseUrl,
            ServiceToken = GitLabToken.From(settings.ServiceToken),
            VerifySsl = reader.Bool("GITLAB_VERIFY_SSL", true),
            AttemptTimeout = TimeSpan.FromSeconds(reader.Int("HTTP_CONNECTION_TIMEOUT", 30, 1, 600)),
            RetryMaxAttempts = reader.Int("RETRY_MAX_ATTEMPTS", 3, 0, 10),
            RetryBackoffFactor = reader.Double("RETRY_BACKOFF_FACTOR", 2.0, 0, 60),
            RequestsPerSecond = reader.Int("GITLAB_RATE_LIMIT_PER_SECOND", 10, 0, 10_000),
            CircuitBreakDuration = TimeSpan.FromSeconds(reader.Int("GITLAB_CIRCUIT_BREAK_SECONDS", 30, 1, 3600)),
            DefaultPageSize = settings.DefaultPageSize,
            AllowPrivateNetworks = settings.AllowPrivateNetworks,
            RecordFile = reader.Optional("GITLAB_RECORD"),
            ReplayFile = replay,
        };
    }
}
