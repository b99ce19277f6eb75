using GitLabBus.GitLab.Http;

namespace GitLabBus.GitLab;

/// <summary>Hands out clients that share one resilient HTTP pipeline (retries, circuit, per-token rate limit).</summary>
public sealed class GitLabClientFactory(IHttpClientFactory http, GitLabClientOptions options, TimeProvider time, GitLabTelemetry telemetry)
{
    public const string HttpClientName = "gitlab";

    public GitLabClientOptions Options => options;

    /// <summary>A client acting as <paramref name="userToken"/>, or with the service token when none is given.</summary>
    public GitLabClient Create(GitLabToken? userToken = null) =>
        new(
            new GitLabConnection(
                http.CreateClient(HttpClientName),
                userToken ?? options.ServiceToken,
                options.DefaultPageSize,
                time,
                telemetry
            )
        );
}
