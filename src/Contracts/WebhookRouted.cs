namespace GitLabBus.Contracts;

/// <summary>
/// The router sent a delivery on: the typed events it became (<c>MergeRequestChanged</c>, ...; empty for a kind nothing
/// consumes). The gateway keeps it in the delivery log as <c>routed_to</c>.
/// </summary>
public record WebhookRouted
{
    public Guid DeliveryId { get; init; }
    public IReadOnlyList<string> RoutedTo { get; init; } = [];
}
