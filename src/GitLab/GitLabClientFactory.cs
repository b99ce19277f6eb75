using GitLabBus.GitLab.Http;

namespace GitLabBus.GitLab;

/// <summary>Hands out clients that share one resilient HTTP pipeline (retries, circuit, per-token rate limit).</summary>
public sealed class GitLabClientFactory(IHttpClientFactory http, GitLabClientOptions options, TimeProvider time, GitLabTelemetry telemetry)
{
    public const string HttpClientName = "gitlab";
    public const string OtherInstanceClientName = "gitlab-other-instance";

    public GitLabClientOptions Options => options;

    /// <summary>A client acting as <paramref name="userToken"/>, or with the service token when none is given.</summary>
    public GitLabClient Create(GitLabToken? userToken = null) =>
        (userToken ?? options.ServiceToken) is { } token ? Create(new FixedToken(token)) : new(Connection(null));

    /// <summary>A client whose token may change between calls: an OAuth session's, renewed when it expires.</summary>
    public GitLabClient Create(IGitLabTokenSource tokens) => new(Connection(tokens));

    /// <summary>GitLab's OAuth token endpoint on the instance of <see cref="GitLabClientOptions.BaseUrl"/>.</summary>
    public GitLabOAuthClient OAuth() => new(Connection(null), options.BaseUrl, time);

    /// <summary>
    /// A client for another GitLab than the configured one (an organisation's), acting as <paramref name="token"/>: its
    /// connections go only to public addresses unless <see cref="GitLabClientOptions.AllowPrivateNetworks"/>.
    /// </summary>
    public GitLabClient ForInstance(Uri instance, GitLabToken token) =>
        new(Connection(new FixedToken(token), OtherInstanceClientName, GitLabClientOptions.ApiBaseOf(instance)));

    /// <param name="apiBase">Another instance's API, for the client without a base address; null for the configured GitLab.</param>
    private GitLabConnection Connection(IGitLabTokenSource? tokens, string client = HttpClientName, Uri? apiBase = null) =>
        new(http.CreateClient(client), tokens, options.DefaultPageSize, time, telemetry, apiBase);
}
