using System.Text.Json;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>One webhook delivery as the delivery log keeps it. <see cref="Headers"/> never holds the token.</summary>
public sealed record WebhookDelivery
{
    public required Guid DeliveryId { get; init; }
    public required string EventName { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public required JsonElement Payload { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public DeliveryStatus Status { get; init; } = DeliveryStatus.Pending;

    /// <summary>The typed events the router published for it; empty for an unknown kind, null until routed.</summary>
    public IReadOnlyList<string>? RoutedTo { get; init; }

    /// <summary>Why the router refused it (the message is in the router's <c>_error</c> queue); null otherwise.</summary>
    public string? Failure { get; init; }

    /// <summary>The GitLab project the delivery is about (<c>project.id</c>, else <c>project_id</c>), read when it arrives;
    /// null for a group's hook.</summary>
    public long? ProjectId { get; init; }

    /// <summary>The organisation whose webhook endpoint received it; null for the gateway's own GitLab.</summary>
    public string? OrgId { get; init; }

    public static long? ProjectOf(JsonElement payload) =>
        payload.ValueKind != JsonValueKind.Object ? null
        : payload.TryGetProperty("project", out var project)
        && project.ValueKind == JsonValueKind.Object
        && project.TryGetProperty("id", out var id)
        && id.TryGetInt64(out var nested)
            ? nested
        : payload.TryGetProperty("project_id", out var flat) && flat.TryGetInt64(out var direct) ? direct
        : null;

    /// <summary>The payload's size as received, in bytes of JSON.</summary>
    public int PayloadBytes { get; init; }

    /// <summary>True when <see cref="Payload"/> is only the start of what was received, as a JSON string.</summary>
    public bool Truncated { get; init; }

    /// <summary>
    /// The delivery as the log keeps it: a payload over <paramref name="maxPayloadBytes"/> becomes a JSON string of its first
    /// characters, <see cref="Truncated"/> (a log of megabyte pushes would otherwise hold gigabytes).
    /// </summary>
    public WebhookDelivery ForLog(int maxPayloadBytes)
    {
        var raw = Payload.GetRawText();
        var bytes = System.Text.Encoding.UTF8.GetByteCount(raw);
        if (bytes <= maxPayloadBytes)
        {
            return this with { PayloadBytes = bytes, StoredBytes = bytes };
        }

        var kept = raw[..Math.Min(raw.Length, maxPayloadBytes)];
        return this with
        {
            PayloadBytes = bytes,
            StoredBytes = System.Text.Encoding.UTF8.GetByteCount(kept),
            Truncated = true,
            Payload = JsonSerializer.SerializeToElement(kept),
        };
    }

    /// <summary>What the log counts against <c>WEBHOOK_DELIVERY_MAX_TOTAL_BYTES</c>: the payload as kept, measured once by
    /// <see cref="ForLog"/>.</summary>
    public int StoredBytes { get; init; }
}

public enum DeliveryStatus
{
    /// <summary>Claimed, publish not yet confirmed by the broker.</summary>
    Pending,

    /// <summary>The broker confirmed the publish; GitLab was answered 202.</summary>
    Accepted,

    /// <summary>The router refused it as malformed: <see cref="WebhookDelivery.Failure"/> says why.</summary>
    Failed,
}

/// <summary>What a claim found: a new delivery, one already accepted, or one still being published.</summary>
public enum ClaimOutcome
{
    Claimed,
    Duplicate,
    InFlight,
}

public sealed record DeliveryClaim(ClaimOutcome Outcome, Guid DeliveryId);
