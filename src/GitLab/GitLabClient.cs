using GitLabBus.GitLab.Http;
using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

/// <summary>
/// GitLab REST v4, typed, for the subset GitLabBus uses. One instance speaks with one token (the service token or a
/// user's); create them with <see cref="GitLabClientFactory"/>. Every failure is a <see cref="GitLabException"/>.
/// Lists come two ways: <c>List…</c> streams every item across pages, <c>Get…PageAsync</c> reads one page with its
/// pagination headers.
/// </summary>
public sealed partial class GitLabClient
{
    private readonly GitLabConnection _connection;

    internal GitLabClient(GitLabConnection connection) => _connection = connection;

    public Task<GitLabVersion> GetVersionAsync(CancellationToken cancellationToken) =>
        _connection.SendAsync<GitLabVersion>(HttpMethod.Get, "version", null, cancellationToken);

    public Task<GitLabUser> GetCurrentUserAsync(CancellationToken cancellationToken) =>
        _connection.SendAsync<GitLabUser>(HttpMethod.Get, "user", null, cancellationToken);

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        _connection.SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    private Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        _connection.SendAsync<T>(HttpMethod.Post, path, body ?? new { }, cancellationToken);

    private Task<T> PutAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        _connection.SendAsync<T>(HttpMethod.Put, path, body ?? new { }, cancellationToken);

    private Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        _connection.SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    private static string Query(string path, string query) => GitLabConnection.WithQuery(path, query);
}
