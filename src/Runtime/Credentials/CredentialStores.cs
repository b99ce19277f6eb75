using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace GitLabBus.Runtime.Credentials;

/// <summary>
/// Tokens encrypted with ASP.NET Data Protection (keys in Redis beside them, so every host can read what another
/// wrote), stored under <c>gitlabbus:credentials:{ref}</c> with their lifetime as the key's expiry. References are
/// random, so knowing one reveals nothing and guessing one is hopeless.
/// </summary>
public sealed class RedisCredentialStore(IConnectionMultiplexer redis, IDataProtectionProvider protection, CredentialSettings settings)
    : ICredentialStore
{
    private readonly IDataProtector _protector = protection.CreateProtector(CredentialReferences.Purpose);

    public async Task<string> PutAsync(Credential credential, CancellationToken cancellationToken)
    {
        var reference = CredentialReferences.New();
        await redis
            .GetDatabase()
            .StringSetAsync(
                CredentialReferences.Key(reference),
                _protector.Protect(CredentialReferences.Seal(credential)),
                settings.Lifetime
            );
        return reference;
    }

    public async Task<Credential?> GetAsync(string credentialRef, CancellationToken cancellationToken)
    {
        if (!CredentialReferences.IsWellFormed(credentialRef))
        {
            return null;
        }

        var stored = await redis.GetDatabase().StringGetAsync(CredentialReferences.Key(credentialRef));
        return stored.IsNull ? null : CredentialReferences.Open(_protector.Unprotect(stored.ToString()));
    }
}

/// <summary>The embedded mode's store: the same encryption, in this process's memory.</summary>
public sealed class InMemoryCredentialStore(IDataProtectionProvider protection, CredentialSettings settings, TimeProvider time)
    : ICredentialStore
{
    private readonly IDataProtector _protector = protection.CreateProtector(CredentialReferences.Purpose);
    private readonly ConcurrentDictionary<string, (string Protected, DateTimeOffset Expires)> _entries = new();

    public Task<string> PutAsync(Credential credential, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _entries.Where(entry => entry.Value.Expires <= now))
        {
            _entries.TryRemove(expired);
        }

        var reference = CredentialReferences.New();
        _entries[reference] = (_protector.Protect(CredentialReferences.Seal(credential)), now + settings.Lifetime);
        return Task.FromResult(reference);
    }

    public Task<Credential?> GetAsync(string credentialRef, CancellationToken cancellationToken) =>
        Task.FromResult(
            _entries.TryGetValue(credentialRef, out var entry) && entry.Expires > time.GetUtcNow()
                ? CredentialReferences.Open(_protector.Unprotect(entry.Protected))
                : null
        );
}

internal static class CredentialReferences
{
    public const string Purpose = "GitLabBus.Credentials.v1";
    private const string Prefix = "cred_";

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Key(string reference) => $"gitlabbus:credentials:{reference}";

    /// <summary>The plaintext that gets encrypted: the token's kind, then its value.</summary>
    public static string Seal(Credential credential) =>
        credential.Reveal(value => $"{credential.Kind.ToString().ToLowerInvariant()}:{value}");

    public static Credential Open(string plaintext)
    {
        var split = plaintext.IndexOf(':', StringComparison.Ordinal);
        return new Credential(plaintext[(split + 1)..], Enum.Parse<CredentialKind>(plaintext[..split], ignoreCase: true));
    }

    public static bool IsWellFormed(string reference) =>
        reference.Length == Prefix.Length + 32
        && reference.StartsWith(Prefix, StringComparison.Ordinal)
        && reference[Prefix.Length..].All(char.IsAsciiHexDigitLower);
}
