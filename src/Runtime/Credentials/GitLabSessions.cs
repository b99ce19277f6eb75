using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace GitLabBus.Runtime.Credentials;

/// <summary>A session's GitLab connection made with OAuth: the access token, the refresh token that renews it, and when the
/// access token expires.</summary>
public sealed record GitLabSession(Credential AccessToken, Credential RefreshToken, DateTimeOffset ExpiresAt)
{
    /// <summary>How long a session outlives its access token: time enough to refresh it (the seed's ten minutes).</summary>
    public static readonly TimeSpan RefreshGrace = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Sessions connected to GitLab with OAuth, under <c>gitlab:oauth:{session_id}</c> (the seed's key), encrypted with Data
/// Protection, each kept until <see cref="GitLabSession.RefreshGrace"/> after its access token expires. Also the OAuth states
/// already spent, so that a callback cannot be replayed.
/// </summary>
public interface IGitLabSessionStore
{
    Task SaveAsync(string sessionId, GitLabSession session, CancellationToken cancellationToken);

    Task<GitLabSession?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Whether the session is connected, without decrypting anything.</summary>
    Task<bool> IsConnectedAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Forgets the session's tokens; false when there were none.</summary>
    Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Marks an OAuth state's nonce as used until <paramref name="until"/>; false when it was used before.</summary>
    Task<bool> SpendStateAsync(string nonce, DateTimeOffset until, CancellationToken cancellationToken);
}

public sealed class RedisGitLabSessionStore(IConnectionMultiplexer redis, IDataProtectionProvider protection, TimeProvider time)
    : IGitLabSessionStore
{
    private readonly IDataProtector _protector = protection.CreateProtector(GitLabSessionSealing.Purpose);

    public static string Key(string sessionId) => $"gitlab:oauth:{sessionId}";

    public static string StateKey(string nonce) => $"gitlab:oauth-state:{nonce}";

    public Task SaveAsync(string sessionId, GitLabSession session, CancellationToken cancellationToken) =>
        redis
            .GetDatabase()
            .StringSetAsync(
                Key(sessionId),
                _protector.Protect(GitLabSessionSealing.Seal(session)),
                GitLabSessionSealing.Lifetime(session, time)
            );

    public async Task<GitLabSession?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        var stored = await redis.GetDatabase().StringGetAsync(Key(sessionId));
        return stored.IsNull ? null : GitLabSessionSealing.Open(_protector.Unprotect(stored.ToString()));
    }

    public Task<bool> IsConnectedAsync(string sessionId, CancellationToken cancellationToken) =>
        redis.GetDatabase().KeyExistsAsync(Key(sessionId));

    public Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        redis.GetDatabase().KeyDeleteAsync(Key(sessionId));

    public Task<bool> SpendStateAsync(string nonce, DateTimeOffset until, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(StateKey(nonce), "spent", Until(until), When.NotExists);

    private TimeSpan Until(DateTimeOffset until) => until - time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromSeconds(1);
}

/// <summary>The embedded mode's store: the same encryption, in this process's memory.</summary>
public sealed class InMemoryGitLabSessionStore(IDataProtectionProvider protection, TimeProvider time) : IGitLabSessionStore
{
    private readonly IDataProtector _protector = protection.CreateProtector(GitLabSessionSealing.Purpose);
    private readonly ConcurrentDictionary<string, (string Sealed, DateTimeOffset Until)> _sessions = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _spentStates = new();

    public Task SaveAsync(string sessionId, GitLabSession session, CancellationToken cancellationToken)
    {
        Sweep();
        _sessions[sessionId] = (
            _protector.Protect(GitLabSessionSealing.Seal(session)),
            time.GetUtcNow() + GitLabSessionSealing.Lifetime(session, time)
        );
        return Task.CompletedTask;
    }

    public Task<GitLabSession?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(Live(sessionId) is { } stored ? GitLabSessionSealing.Open(_protector.Unprotect(stored)) : null);

    public Task<bool> IsConnectedAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(Live(sessionId) is not null);

    public Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryRemove(sessionId, out var removed) && removed.Until > time.GetUtcNow());

    public Task<bool> SpendStateAsync(string nonce, DateTimeOffset until, CancellationToken cancellationToken)
    {
        Sweep();
        return Task.FromResult(_spentStates.TryAdd(nonce, until));
    }

    private string? Live(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var entry) && entry.Until > time.GetUtcNow() ? entry.Sealed : null;

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var expired in _sessions.Where(entry => entry.Value.Until <= now))
        {
            _sessions.TryRemove(expired);
        }

        foreach (var expired in _spentStates.Where(entry => entry.Value <= now))
        {
            _spentStates.TryRemove(expired);
        }
    }
}

internal static class GitLabSessionSealing
{
    public const string Purpose = "GitLabBus.GitLabOAuth.v1";

    public static TimeSpan Lifetime(GitLabSession session, TimeProvider time) =>
        session.ExpiresAt - time.GetUtcNow() + GitLabSession.RefreshGrace is { Ticks: > 0 } left ? left : GitLabSession.RefreshGrace;

    public static string Seal(GitLabSession session) =>
        JsonSerializer.Serialize(
            new Sealed(session.AccessToken.Reveal(token => token), session.RefreshToken.Reveal(token => token), session.ExpiresAt)
        );

    public static GitLabSession Open(string plaintext)
    {
        var opened = JsonSerializer.Deserialize<Sealed>(plaintext)!;
        return new GitLabSession(new Credential(opened.Access, CredentialKind.OAuth), new Credential(opened.Refresh), opened.ExpiresAt);
    }

    private sealed record Sealed(string Access, string Refresh, DateTimeOffset ExpiresAt);
}
