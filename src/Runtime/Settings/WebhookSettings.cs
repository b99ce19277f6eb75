namespace GitLabBus.Runtime.Settings;

/// <summary>Webhook ingress and delivery-log settings.</summary>
public sealed record WebhookSettings
{
    /// <summary><c>WEBHOOK_MAX_BYTES</c>: 25 MiB by default, GitLab's own payload limit.</summary>
    public int MaxBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary><c>WEBHOOK_DEDUP_TTL_SECONDS</c>: how long a delivery key is remembered.</summary>
    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary><c>WEBHOOK_DELIVERY_RETENTION_HOURS</c>: how long deliveries stay listed and replayable.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>WEBHOOK_DELIVERY_MAX_COUNT</c>: the delivery log keeps at most this many, newest first.</summary>
    public int MaxDeliveries { get; init; } = 10_000;

    /// <summary><c>WEBHOOK_DELIVERY_MAX_PAYLOAD_BYTES</c>: a payload larger than this is kept cut to its first this many
    /// characters, marked truncated (the bus still carries it whole).</summary>
    public int MaxStoredPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary><c>WEBHOOK_DELIVERY_MAX_TOTAL_BYTES</c>: the log keeps at most this many payload bytes in all, dropping the
    /// oldest deliveries first.</summary>
    public long MaxStoredBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary><c>WEBHOOK_PUBLISH_TIMEOUT_SECONDS</c>: how long to wait for the broker's confirm before answering 503.
    /// GitLab gives up after 10 s, so the default leaves room for the rest of the request.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public static WebhookSettings Read(SettingsReader reader) =>
        new()
        {
            MaxBytes = reader.Int("WEBHOOK_MAX_BYTES", 25 * 1024 * 1024, 1024, int.MaxValue - 1),
            DedupWindow = TimeSpan.FromSeconds(reader.Int("WEBHOOK_DEDUP_TTL_SECONDS", 86_400, 60, 30 * 86_400)),
            Retention = TimeSpan.FromHours(reader.Int("WEBHOOK_DELIVERY_RETENTION_HOURS", 168, 1, 24 * 365)),
            MaxDeliveries = reader.Int("WEBHOOK_DELIVERY_MAX_COUNT", 10_000, 10, 10_000_000),
            PublishTimeout = TimeSpan.FromSeconds(reader.Double("WEBHOOK_PUBLISH_TIMEOUT_SECONDS", 5, 0.1, 9)),
            MaxStoredPayloadBytes = reader.Int("WEBHOOK_DELIVERY_MAX_PAYLOAD_BYTES", 1024 * 1024, 1024, 25 * 1024 * 1024),
            MaxStoredBytes = reader.Int("WEBHOOK_DELIVERY_MAX_TOTAL_BYTES", 64 * 1024 * 1024, 1024 * 1024, int.MaxValue - 1),
        };
}
