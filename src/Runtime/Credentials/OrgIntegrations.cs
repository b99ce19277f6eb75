using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace GitLabBus.Runtime.Credentials;

/// <summary>
/// An organisation's own GitLab (CONTRACT 9, seed integrations): where it is, the token the work for that organisation runs
/// with, and a hash of the secret its webhook sends. The token is kept encrypted and never leaves the consumers but as a
/// request header; the secret is not kept at all, only its SHA-256, so it cannot be read back.
/// </summary>
public sealed record OrgIntegration(
    string OrgId,
    Uri BaseUrl,
    Credential Token,
    string WebhookSecretHash,
    DateTimeOffset UpdatedAt,
    string UpdatedBy
)
{
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether <paramref name="presented"/> is the webhook secret, compared in constant time.</summary>
    public bool SecretMatches(string? presented) =>
        presented is { Length: > 0 }
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(HashSecret(presented)),
            Encoding.ASCII.GetBytes(WebhookSecretHash)
        );
}

public interface IOrgIntegrationStore
{
    Task SaveAsync(OrgIntegration integration, CancellationToken cancellationToken);

    Task<OrgIntegration?> GetAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>False when the organisation had none.</summary>
    Task<bool> DeleteAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>The organisations with a GitLab configured, in no particular order: for the jobs that watch every GitLab.</summary>
    Task<IReadOnlyList<string>> OrgIdsAsync(CancellationToken cancellationToken);
}

/// <summary>A hash per organisation, <c>gitlabbus:orgs:{org_id}:gitlab</c>: <c>base_url</c>, <c>token</c> (Data Protection
/// ciphertext), <c>webhook_secret_sha256</c>, <c>updated_at</c>, <c>updated_by</c>; and the set <c>gitlabbus:orgs</c> of the
/// organisations that have one. The set is written before the hash and cleared after it (two keys, two slots on a cluster,
/// so no transaction holds both): a crash in between leaves an organisation listed without a GitLab, which readers skip.</summary>
public sealed class RedisOrgIntegrationStore(IConnectionMultiplexer redis, IDataProtectionProvider protection) : IOrgIntegrationStore
{
    private readonly IDataProtector _protector = protection.CreateProtector(OrgIntegrationSealing.Purpose);

    public const string IndexKey = "gitlabbus:orgs";

    public static string Key(string orgId) => $"gitlabbus:orgs:{orgId}:gitlab";

    public async Task SaveAsync(OrgIntegration integration, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        await database.SetAddAsync(IndexKey, integration.OrgId);
        var transaction = database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(Key(integration.OrgId));
        _ = transaction.HashSetAsync(
            Key(integration.OrgId),
            [
                new("base_url", integration.BaseUrl.ToString()),
                new("token", _protector.Protect(OrgIntegrationSealing.Seal(integration.Token))),
                new("webhook_secret_sha256", integration.WebhookSecretHash),
                new("updated_at", integration.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
                new("updated_by", integration.UpdatedBy),
            ]
        );
        await transaction.ExecuteAsync();
    }

    public async Task<OrgIntegration?> GetAsync(string orgId, CancellationToken cancellationToken)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(Key(orgId))).ToDictionary(
            field => field.Name.ToString(),
            field => field.Value.ToString()
        );
        return fields.Count == 0
            ? null
            : new OrgIntegration(
                orgId,
                new Uri(fields["base_url"]),
                new Credential(_protector.Unprotect(fields["token"])),
                fields["webhook_secret_sha256"],
                DateTimeOffset.Parse(fields["updated_at"], CultureInfo.InvariantCulture),
                fields["updated_by"]
            );
    }

    public async Task<bool> DeleteAsync(string orgId, CancellationToken cancellationToken)
    {
        var deleted = await redis.GetDatabase().KeyDeleteAsync(Key(orgId));
        await redis.GetDatabase().SetRemoveAsync(IndexKey, orgId);
        return deleted;
    }

    public async Task<IReadOnlyList<string>> OrgIdsAsync(CancellationToken cancellationToken) =>
        [.. (await redis.GetDatabase().SetMembersAsync(IndexKey)).Select(member => member.ToString())];
}

/// <summary>The embedded mode's store: the same encryption, in this process's memory.</summary>
public sealed class InMemoryOrgIntegrationStore(IDataProtectionProvider protection) : IOrgIntegrationStore
{
    private readonly IDataProtector _protector = protection.CreateProtector(OrgIntegrationSealing.Purpose);
    private readonly ConcurrentDictionary<string, (OrgIntegration Integration, string SealedToken)> _integrations = new();

    public Task SaveAsync(OrgIntegration integration, CancellationToken cancellationToken)
    {
        _integrations[integration.OrgId] = (
            integration with
            {
                Token = new Credential("sealed"),
            },
            _protector.Protect(OrgIntegrationSealing.Seal(integration.Token))
        );
        return Task.CompletedTask;
    }

    public Task<OrgIntegration?> GetAsync(string orgId, CancellationToken cancellationToken) =>
        Task.FromResult(
            _integrations.TryGetValue(orgId, out var kept)
                ? kept.Integration with
                {
                    Token = new Credential(_protector.Unprotect(kept.SealedToken)),
                }
                : null
        );

    public Task<bool> DeleteAsync(string orgId, CancellationToken cancellationToken) =>
        Task.FromResult(_integrations.TryRemove(orgId, out _));

    public Task<IReadOnlyList<string>> OrgIdsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _integrations.Keys]);
}

internal static class OrgIntegrationSealing
{
    public const string Purpose = "GitLabBus.OrgIntegrations.v1";

    public static string Seal(Credential token) => token.Reveal(value => value);
}
