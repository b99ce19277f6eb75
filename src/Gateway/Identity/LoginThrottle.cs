using System.Collections.Concurrent;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// Failed logins counted per user and per address, in a window that starts at the first failure. Past either limit every
/// login of that user, or from that address, is refused until the window ends, the right password included: otherwise a
/// guesser would learn when it guessed right.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>
    /// How long logins as <paramref name="username"/> or from <paramref name="address"/> stay refused; null when they are not.
    /// </summary>
    Task<TimeSpan?> RefusedForAsync(string? username, string address, CancellationToken cancellationToken);

    Task RecordFailureAsync(string? username, string address, CancellationToken cancellationToken);

    /// <summary>A user who logged in starts again from no failures (its address does not).</summary>
    Task ForgetAsync(string username, CancellationToken cancellationToken);
}

/// <summary>Counters in Redis with the window as their expiry (<c>gitlabbus:auth:login-failures:{user|address}:{name}</c>).</summary>
public sealed class RedisLoginThrottle(IConnectionMultiplexer redis, IdentitySettings settings) : ILoginThrottle
{
    private const string CountScript =
        "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    public static string UserKey(string username) => $"gitlabbus:auth:login-failures:user:{username}";

    public static string AddressKey(string address) => $"gitlabbus:auth:login-failures:address:{address}";

    public async Task<TimeSpan?> RefusedForAsync(string? username, string address, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var counters = new List<(RedisKey Key, int Max)> { (AddressKey(address), settings.MaxFailuresPerAddress) };
        if (username is not null)
        {
            counters.Add((UserKey(username), settings.MaxFailuresPerUser));
        }

        TimeSpan? refused = null;
        foreach (var (key, max) in counters)
        {
            var count = await db.StringGetAsync(key);
            if (count.HasValue && (long)count >= max && await db.KeyTimeToLiveAsync(key) is { } left && left > (refused ?? TimeSpan.Zero))
            {
                refused = left;
            }
        }

        return refused;
    }

    public async Task RecordFailureAsync(string? username, string address, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var window = (long)settings.FailureWindow.TotalMilliseconds;
        // Two keys of different slots in a cluster: one script each.
        var counted = new List<Task> { db.ScriptEvaluateAsync(CountScript, [AddressKey(address)], [window]) };
        if (username is not null)
        {
            counted.Add(db.ScriptEvaluateAsync(CountScript, [UserKey(username)], [window]));
        }

        await Task.WhenAll(counted);
    }

    public Task ForgetAsync(string username, CancellationToken cancellationToken) => redis.GetDatabase().KeyDeleteAsync(UserKey(username));
}

/// <summary>The embedded mode's counters, in this process; ended windows are swept as new failures come.</summary>
public sealed class InMemoryLoginThrottle(IdentitySettings settings, TimeProvider time) : ILoginThrottle
{
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset Ends)> _failures = new(StringComparer.Ordinal);

    public Task<TimeSpan?> RefusedForAsync(string? username, string address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        TimeSpan? refused = null;
        foreach (var (key, max) in Counters(username, address))
        {
            if (_failures.TryGetValue(key, out var failures) && failures.Ends > now && failures.Count >= max)
            {
                var left = failures.Ends - now;
                refused = left > (refused ?? TimeSpan.Zero) ? left : refused;
            }
        }

        return Task.FromResult(refused);
    }

    public Task RecordFailureAsync(string? username, string address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var ended in _failures.Where(entry => entry.Value.Ends <= now))
        {
            _failures.TryRemove(ended);
        }

        foreach (var (key, _) in Counters(username, address))
        {
            _failures.AddOrUpdate(
                key,
                _ => (1, now + settings.FailureWindow),
                (_, failures) => failures.Ends > now ? failures with { Count = failures.Count + 1 } : (1, now + settings.FailureWindow)
            );
        }

        return Task.CompletedTask;
    }

    public Task ForgetAsync(string username, CancellationToken cancellationToken)
    {
        _failures.TryRemove(RedisLoginThrottle.UserKey(username), out _);
        return Task.CompletedTask;
    }

    private IEnumerable<(string Key, int Max)> Counters(string? username, string address)
    {
        yield return (RedisLoginThrottle.AddressKey(address), settings.MaxFailuresPerAddress);
        if (username is not null)
        {
            yield return (RedisLoginThrottle.UserKey(username), settings.MaxFailuresPerUser);
        }
    }
}
