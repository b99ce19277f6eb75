namespace GitLabBus.Gateway.Webhooks;

/// <summary>
/// Deduplication and the delivery log in one place, so that claiming a delivery key and recording the
/// delivery happen atomically. Flow: <see cref="ClaimAsync"/> → publish → <see cref="ConfirmAsync"/>, or
/// <see cref="ReleaseAsync"/> when the broker did not confirm (GitLab will retry and must not be told "duplicate").
/// The log is bounded by age, count and the payload bytes it holds (<see cref="WebhookDelivery.StoredBytes"/>), oldest out
/// first.
/// </summary>
public interface IWebhookDeliveryStore
{
    /// <param name="dedupKey">The delivery's identity across GitLab retries; null when GitLab sent none.</param>
    Task<DeliveryClaim> ClaimAsync(WebhookDelivery delivery, string? dedupKey, CancellationToken cancellationToken);

    Task ConfirmAsync(Guid deliveryId, string? dedupKey, CancellationToken cancellationToken);

    Task ReleaseAsync(Guid deliveryId, string? dedupKey, CancellationToken cancellationToken);

    Task<WebhookDelivery?> GetAsync(Guid deliveryId, CancellationToken cancellationToken);

    /// <summary>Newest first. The summaries carry an undefined payload: list views do not need it.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(int limit, CancellationToken cancellationToken);

    Task MarkRoutedAsync(Guid deliveryId, IReadOnlyList<string> routedTo, CancellationToken cancellationToken);

    /// <summary>The router refused the delivery: status <c>failed</c>, with the reason (an unknown id is ignored).</summary>
    Task MarkFailedAsync(Guid deliveryId, string reason, CancellationToken cancellationToken);
}
