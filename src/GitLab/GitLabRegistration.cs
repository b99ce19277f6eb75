using System.Net.Security;
using GitLabBus.GitLab.Http;
using GitLabBus.GitLab.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.GitLab;

public static class GitLabRegistration
{
    /// <summary>
    /// The GitLab client: <see cref="GitLabClientFactory"/> over one named <see cref="HttpClient"/> whose pipeline is
    /// resilience (outside), recording (inside, every attempt), and the network or a replay file.
    /// </summary>
    public static IServiceCollection AddGitLabClient(this IServiceCollection services, GitLabClientOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<GitLabTelemetry>();
        services.AddSingleton(options);
        services.AddSingleton<GitLabClientFactory>();
        var http = services
            .AddHttpClient(
                GitLabClientFactory.HttpClientName,
                client =>
                {
                    client.BaseAddress = options.ApiBase;
                    client.Timeout = Timeout.InfiniteTimeSpan;
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("GitLabBus/1.0");
                }
            )
            .ConfigurePrimaryHttpMessageHandler(() => options.ReplayFile is { } replay ? new ReplayHandler(replay) : Network(options));
        http.AddResilienceHandler(
            "gitlab",
            (pipeline, context) => GitLabResilience.Configure(pipeline, options, context.ServiceProvider.GetRequiredService<TimeProvider>())
        );
        if (options.RecordFile is { } record)
        {
            services.AddSingleton(new GitLabRecordingFile(record));
            http.AddHttpMessageHandler(provider => new RecordingHandler(
                provider.GetRequiredService<GitLabRecordingFile>(),
                provider.GetRequiredService<TimeProvider>()
            ));
        }

        // The named client's loggers would write every URL with its query string; failures carry method and path instead.
        http.RemoveAllLoggers();

        // Other instances (an organisation's GitLab): absolute addresses, and connections only where they may go.
        var other = services
            .AddHttpClient(
                GitLabClientFactory.OtherInstanceClientName,
                client =>
                {
                    client.Timeout = Timeout.InfiniteTimeSpan;
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("GitLabBus/1.0");
                }
            )
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                var network = Network(options);
                network.ConnectCallback = OutboundAddresses.Connect(options.AllowPrivateNetworks);
                return network;
            });
        other.AddResilienceHandler(
            "gitlab-other",
            (pipeline, context) => GitLabResilience.Configure(pipeline, options, context.ServiceProvider.GetRequiredService<TimeProvider>())
        );
        other.RemoveAllLoggers();
        return services;
    }

    private static SocketsHttpHandler Network(GitLabClientOptions options) =>
        new()
        {
            ConnectTimeout = options.AttemptTimeout,
            // A redirect would carry PRIVATE-TOKEN to whatever host it names: it is an error instead (GitLabConnection).
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = options.VerifySsl
                ? new SslClientAuthenticationOptions()
                : new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
}
