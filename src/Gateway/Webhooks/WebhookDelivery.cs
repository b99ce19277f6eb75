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
}

public enum DeliveryStatus
{
    /// <summary>Claimed, publish not yet confirmed by the broker.</summary>
    Pending,

    /// <summary>The broker confirmed the publish; GitLab was answered 202.</summary>
    Accepted,
}

/// <summary>What a claim found: a new delivery, one already accepted, or one still being published.</summary>
public enum ClaimOutcome
{
    Claimed,
    Duplicate,
    InFlight,
}

public sealed record DeliveryClaim(ClaimOutcome Outcome, Guid DeliveryId);
