using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Identity;

public enum RefreshOutcome
{
    /// <summary>Redeemed now: it can never be redeemed again.</summary>
    Valid,

    /// <summary>Redeemed before: someone holds a copy, so the whole family (that login's every token) is revoked.</summary>
    Reused,

    /// <summary>Of a family revoked earlier.</summary>
    Revoked,
    Expired,
    Unknown,
}

/// <param name="Family">The login the token descends from: the session id its access tokens carry as <c>oid</c>.</param>
public sealed record RefreshRedemption(RefreshOutcome Outcome, string? Username = null, string? Family = null);

/// <summary>
/// Refresh tokens, single use and rotated: each login starts a family, each redemption gives the next token of it, and a
/// token redeemed twice revokes the family, so a stolen copy is worth one use to whichever side comes first and then
/// ends the login for both. Only a hash of each token is stored.
/// </summary>
public interface IRefreshTokenStore
{
    /// <summary>A new token for <paramref name="username"/>: of <paramref name="family"/>, or of a new family when null.</summary>
    Task<string> IssueAsync(string username, string? family, CancellationToken cancellationToken);

    Task<RefreshRedemption> RedeemAsync(string token, CancellationToken cancellationToken);
}

/// <summary>The form of a token, <c>{family}.{secret}</c>, and the hash it is kept by.</summary>
internal static class RefreshTokenFormat
{
    public static string NewFamily() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string New(string family) =>
        $"{family}.{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";

    /// <summary>The family and the field its hash is kept under, or null for anything that is not a token of ours.</summary>
    public static (string Family, string Field)? Parse(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (token.Length > 128 || dot != 32 || !token[..dot].All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        return (token[..dot], "t:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
    }
}

/// <summary>
/// One Redis hash per family (<c>gitlabbus:auth:refresh:{family}</c>): its user, a field per token hash holding the
/// token's expiry and whether it was used, and <c>revoked</c> once it is. Redemption is one script, so two replicas
/// redeeming the same token at once see exactly one success and one reuse.
/// </summary>
public sealed class RedisRefreshTokenStore(IConnectionMultiplexer redis, IdentitySettings settings, TimeProvider time) : IRefreshTokenStore
{
    private const string RedeemScript = """
        local token = redis.call('HGET', KEYS[1], ARGV[1])
        if not token then return {'unknown', ''} end
        local user = redis.call('HGET', KEYS[1], 'user')
        if redis.call('HEXISTS', KEYS[1], 'revoked') == 1 then return {'revoked', user} end
        local sep = string.find(token, '|', 1, true)
        local expires = tonumber(string.sub(token, 1, sep - 1))
        if string.sub(token, sep + 1) == '1' then
          redis.call('HSET', KEYS[1], 'revoked', '1')
          return {'reused', user}
        end
        if expires <= tonumber(ARGV[2]) then return {'expired', user} end
        redis.call('HSET', KEYS[1], ARGV[1], expires .. '|1')
        return {'valid', user}
        """;

    public static string Key(string family) => $"gitlabbus:auth:refresh:{family}";

    public async Task<string> IssueAsync(string username, string? family, CancellationToken cancellationToken)
    {
        family ??= RefreshTokenFormat.NewFamily();
        var token = RefreshTokenFormat.New(family);
        var expires = time.GetUtcNow() + settings.RefreshTokenLifetime;
        var batch = redis.GetDatabase().CreateBatch();
        var written = Task.WhenAll(
            batch.HashSetAsync(
                Key(family),
                [new("user", username), new(RefreshTokenFormat.Parse(token)!.Value.Field, $"{expires.ToUnixTimeMilliseconds()}|0")]
            ),
            // The family lives as long as its newest token.
            batch.KeyExpireAsync(Key(family), settings.RefreshTokenLifetime)
        );
        batch.Execute();
        await written;
        return token;
    }

    public async Task<RefreshRedemption> RedeemAsync(string token, CancellationToken cancellationToken)
    {
        if (RefreshTokenFormat.Parse(token) is not var (family, field))
        {
            return new RefreshRedemption(RefreshOutcome.Unknown);
        }

        var answer = (RedisResult[])
            (
                await redis
                    .GetDatabase()
                    .ScriptEvaluateAsync(RedeemScript, [Key(family)], [field, time.GetUtcNow().ToUnixTimeMilliseconds()])
            )!;
        var outcome = Enum.Parse<RefreshOutcome>(answer[0].ToString(), ignoreCase: true);
        return outcome == RefreshOutcome.Unknown
            ? new RefreshRedemption(outcome)
            : new RefreshRedemption(outcome, answer[1].ToString(), family);
    }
}

/// <summary>The embedded mode's refresh tokens, in this process, with the same rules.</summary>
public sealed class InMemoryRefreshTokenStore(IdentitySettings settings, TimeProvider time) : IRefreshTokenStore
{
    private sealed class Family(string username)
    {
        public string Username { get; } = username;
        public bool Revoked { get; set; }
        public Dictionary<string, (DateTimeOffset Expires, bool Used)> Tokens { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset LastIssued { get; set; }
    }

    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);

    public Task<string> IssueAsync(string username, string? family, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _families.Where(entry => entry.Value.LastIssued + settings.RefreshTokenLifetime <= now))
        {
            _families.TryRemove(stale);
        }

        family ??= RefreshTokenFormat.NewFamily();
        var token = RefreshTokenFormat.New(family);
        var tokens = _families.GetOrAdd(family, _ => new Family(username));
        lock (tokens)
        {
            tokens.Tokens[RefreshTokenFormat.Parse(token)!.Value.Field] = (now + settings.RefreshTokenLifetime, false);
            tokens.LastIssued = now;
        }

        return Task.FromResult(token);
    }

    public Task<RefreshRedemption> RedeemAsync(string token, CancellationToken cancellationToken)
    {
        if (RefreshTokenFormat.Parse(token) is not var (family, field) || !_families.TryGetValue(family, out var tokens))
        {
            return Task.FromResult(new RefreshRedemption(RefreshOutcome.Unknown));
        }

        lock (tokens)
        {
            var outcome = Redeem(tokens, field);
            return Task.FromResult(
                outcome == RefreshOutcome.Unknown ? new RefreshRedemption(outcome) : new RefreshRedemption(outcome, tokens.Username, family)
            );
        }
    }

    private RefreshOutcome Redeem(Family family, string field)
    {
        if (!family.Tokens.TryGetValue(field, out var entry))
        {
            return RefreshOutcome.Unknown;
        }

        if (family.Revoked)
        {
            return RefreshOutcome.Revoked;
        }

        if (entry.Used)
        {
            family.Revoked = true;
            return RefreshOutcome.Reused;
        }

        if (entry.Expires <= time.GetUtcNow())
        {
            return RefreshOutcome.Expired;
        }

        family.Tokens[field] = entry with { Used = true };
        return RefreshOutcome.Valid;
    }
}
