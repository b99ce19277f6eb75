using System.Security.Cryptography;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Startup;

/// <summary>
/// The gateway's own settings. In embedded mode (no <c>RABBITMQ_URL</c>) missing secrets are generated for
/// this run and shown once in the start banner; anywhere else they are required.
/// </summary>
public sealed record GatewaySettings
{
    public const int MinimumJwtSecretLength = 32;

    public required string WebhookSecret { get; init; }
    public required string JwtSecret { get; init; }

    /// <summary><c>GITLAB_WEBHOOK_SIGNING_TOKEN</c>: when set, deliveries must carry a valid Standard Webhooks signature.</summary>
    public string? WebhookSigningToken { get; init; }
    public string? JwtIssuer { get; init; }
    public string? JwtAudience { get; init; }
    public bool WebhookSecretGenerated { get; init; }
    public bool JwtSecretGenerated { get; init; }

    /// <summary><c>ARTIFACT_CHUNK_BYTES</c> (1 MiB): how much of an artifact download each request to the consumers carries.</summary>
    public int ArtifactChunkBytes { get; init; } = 1024 * 1024;

    /// <summary><c>APPLY_SYNC_TIMEOUT_SECONDS</c> (30): how long <c>apply-backlog</c> waits for the apply before answering 202.</summary>
    public TimeSpan ApplySyncTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public IdentitySettings Identity { get; init; } = new();

    /// <summary>The gateway also runs the consumers and sagas roles (embedded mode, or <c>GITLABBUS_ALL_IN_ONE</c>).</summary>
    public bool RunsAllRoles { get; init; }

    public override string ToString() =>
        $"GatewaySettings(issuer: {JwtIssuer ?? "-"}, audience: {JwtAudience ?? "-"}, all roles: {RunsAllRoles})";

    public static GatewaySettings Read(SettingsReader reader, RuntimeSettings runtime)
    {
        var embedded = runtime.Bus.InMemory;
        if (!embedded && !runtime.Bus.AllInOne && runtime.Redis.InMemory)
        {
            throw new InvalidSettingException(
                "REDIS_URL",
                "is required when the gateway runs on RabbitMQ beside separate consumers and sagas hosts"
            );
        }

        var webhookSecret = embedded ? reader.Optional("GITLAB_WEBHOOK_SECRET") : reader.Required("GITLAB_WEBHOOK_SECRET");
        var jwtSecret = embedded ? reader.Optional("LOCAL_JWT_SECRET") : reader.Required("LOCAL_JWT_SECRET");
        if (jwtSecret is { Length: < MinimumJwtSecretLength })
        {
            throw new InvalidSettingException(
                "LOCAL_JWT_SECRET",
                $"must be at least {MinimumJwtSecretLength} characters (HS256 needs a 256-bit key)"
            );
        }

        var signingToken = reader.Optional("GITLAB_WEBHOOK_SIGNING_TOKEN");
        if (signingToken is not null && !Webhooks.WebhookSignature.IsUsable(signingToken))
        {
            throw new InvalidSettingException("GITLAB_WEBHOOK_SIGNING_TOKEN", "must be GitLab's signing token (whsec_ then base64)");
        }

        return new GatewaySettings
        {
            WebhookSecret = webhookSecret ?? NewSecret(),
            WebhookSecretGenerated = webhookSecret is null,
            JwtSecret = jwtSecret ?? NewSecret(),
            JwtSecretGenerated = jwtSecret is null,
            WebhookSigningToken = signingToken,
            JwtIssuer = reader.Optional("JWT_ISSUER"),
            JwtAudience = reader.Optional("JWT_AUDIENCE"),
            RunsAllRoles = embedded || runtime.Bus.AllInOne,
            Identity = IdentitySettings.Read(reader, embedded),
            ApplySyncTimeout = TimeSpan.FromSeconds(reader.Double("APPLY_SYNC_TIMEOUT_SECONDS", 30, 0, 600)),
            ArtifactChunkBytes = reader.Int("ARTIFACT_CHUNK_BYTES", 1024 * 1024, 64, 8 * 1024 * 1024),
        };
    }

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
