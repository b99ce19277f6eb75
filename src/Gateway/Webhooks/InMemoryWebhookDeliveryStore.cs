using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>The embedded-mode store: same semantics as the Redis one, for one process.</summary>
public sealed class InMemoryWebhookDeliveryStore(WebhookSettings settings, TimeProvider clock) : IWebhookDeliveryStore
{
    private static readonly TimeSpan PendingWindow = RedisWebhookDeliveryStore.PendingWindow;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Guid Id, bool Pending, DateTimeOffset ExpiresAt)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, WebhookDelivery> _deliveries = [];
    private readonly LinkedList<Guid> _newestFirst = new();
    private DateTimeOffset _nextKeySweep = DateTimeOffset.MinValue;
    private long _storedBytes;

    public Task<DeliveryClaim> ClaimAsync(WebhookDelivery delivery, string? dedupKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (dedupKey is not null)
            {
                if (_keys.TryGetValue(dedupKey, out var existing) && existing.ExpiresAt > now)
                {
                    return Task.FromResult(
                        new DeliveryClaim(existing.Pending ? ClaimOutcome.InFlight : ClaimOutcome.Duplicate, existing.Id)
                    );
                }

                _keys[dedupKey] = (delivery.DeliveryId, true, now + PendingWindow);
            }

            _deliveries[delivery.DeliveryId] = delivery with { Status = DeliveryStatus.Pending };
            _newestFirst.AddFirst(delivery.DeliveryId);
            _storedBytes += delivery.StoredBytes;
            Trim(now);
            return Task.FromResult(new DeliveryClaim(ClaimOutcome.Claimed, delivery.DeliveryId));
        }
    }

    public Task ConfirmAsync(Guid deliveryId, string? dedupKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (dedupKey is not null)
            {
                _keys[dedupKey] = (deliveryId, false, now + settings.DedupWindow);
            }

            if (_deliveries.TryGetValue(deliveryId, out var delivery) && delivery.Status == DeliveryStatus.Pending)
            {
                _deliveries[deliveryId] = delivery with { Status = DeliveryStatus.Accepted };
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(Guid deliveryId, string? dedupKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (dedupKey is not null && _keys.TryGetValue(dedupKey, out var existing) && existing.Id == deliveryId && existing.Pending)
            {
                _keys.Remove(dedupKey);
            }

            if (_deliveries.Remove(deliveryId, out var released))
            {
                _newestFirst.Remove(deliveryId);
                _storedBytes -= released.StoredBytes;
            }
        }

        return Task.CompletedTask;
    }

    public Task<WebhookDelivery?> GetAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Trim(clock.GetUtcNow());
            return Task.FromResult(_deliveries.GetValueOrDefault(deliveryId));
        }
    }

    public Task<IReadOnlyList<WebhookDelivery>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Trim(clock.GetUtcNow());
            IReadOnlyList<WebhookDelivery> page = _newestFirst
                .Take(limit)
                .Select(id => _deliveries[id] with { Payload = default })
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task MarkRoutedAsync(Guid deliveryId, IReadOnlyList<string> routedTo, CancellationToken cancellationToken) =>
        Change(deliveryId, delivery => delivery with { RoutedTo = routedTo });

    public Task MarkFailedAsync(Guid deliveryId, string reason, CancellationToken cancellationToken) =>
        Change(deliveryId, delivery => delivery with { Status = DeliveryStatus.Failed, Failure = reason });

    private Task Change(Guid deliveryId, Func<WebhookDelivery, WebhookDelivery> change)
    {
        lock (_gate)
        {
            if (_deliveries.TryGetValue(deliveryId, out var delivery))
            {
                _deliveries[deliveryId] = change(delivery);
            }
        }

        return Task.CompletedTask;
    }

    private void Trim(DateTimeOffset now)
    {
        var oldestKept = now - settings.Retention;
        while (
            _newestFirst.Last is { } last
            && (
                _newestFirst.Count > settings.MaxDeliveries
                || _storedBytes > settings.MaxStoredBytes
                || _deliveries[last.Value].ReceivedAt < oldestKept
            )
        )
        {
            _deliveries.Remove(last.Value, out var dropped);
            _storedBytes -= dropped!.StoredBytes;
            _newestFirst.RemoveLast();
        }

        // Expired keys are already ignored by ClaimAsync; sweeping them once a minute only bounds memory.
        if (now < _nextKeySweep)
        {
            return;
        }

        _nextKeySweep = now + TimeSpan.FromMinutes(1);
        foreach (var expired in _keys.Where(k => k.Value.ExpiresAt <= now).Select(k => k.Key).ToList())
        {
            _keys.Remove(expired);
        }
    }
}
