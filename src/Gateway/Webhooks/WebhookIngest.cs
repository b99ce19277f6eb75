using System.Diagnostics.Metrics;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Settings;
using MassTransit;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>
/// The hot path after authentication: claim the delivery key, publish <see cref="WebhookReceived"/> and wait
/// for the broker's confirm (mandatory: a delivery no queue would receive is refused), then confirm the claim.
/// A publish the broker did not confirm releases the claim, so GitLab's retry is processed instead of being
/// answered "duplicate".
/// </summary>
public sealed class WebhookIngest(
    IWebhookDeliveryStore deliveries,
    IBus bus,
    WebhookSettings settings,
    TimeProvider clock,
    WebhookMetrics metrics,
    ILogger<WebhookIngest> logger,
    ConfirmWatchdog? watchdog = null
)
{
    public async Task<IngestResult> AcceptAsync(IncomingWebhook incoming, CancellationToken cancellationToken)
    {
        var delivery = new WebhookDelivery
        {
            DeliveryId = NewId.NextGuid(),
            EventName = incoming.EventName,
            Headers = incoming.Headers,
            Payload = incoming.Payload,
            ProjectId = WebhookDelivery.ProjectOf(incoming.Payload),
            OrgId = incoming.OrgId,
            ReceivedAt = clock.GetUtcNow(),
        };

        DeliveryClaim claim;
        try
        {
            claim = await deliveries.ClaimAsync(delivery.ForLog(settings.MaxStoredPayloadBytes), incoming.DedupKey, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Without the claim there is no dedup: refuse, and let GitLab retry once state is back.
            logger.LogWarning(
                "Could not record {EventName} delivery: state store unavailable ({Reason})",
                incoming.EventName,
                failure.GetType().Name
            );
            metrics.Count(incoming.EventName, ErrorCodes.CacheUnavailable);
            return new IngestResult(IngestOutcome.StateUnavailable, delivery.DeliveryId);
        }

        if (claim.Outcome != ClaimOutcome.Claimed)
        {
            metrics.Count(incoming.EventName, claim.Outcome == ClaimOutcome.Duplicate ? "duplicate" : "in_flight");
            logger.LogInformation(
                "{EventName} delivery is a {Outcome} of {DeliveryId}; nothing published",
                incoming.EventName,
                claim.Outcome,
                claim.DeliveryId
            );
            return new IngestResult(
                claim.Outcome == ClaimOutcome.Duplicate ? IngestOutcome.Duplicate : IngestOutcome.InFlight,
                claim.DeliveryId
            );
        }

        if (!await TryPublishAsync(ToMessage(delivery, incoming, replayed: false), cancellationToken))
        {
            await BestEffortAsync(
                () => deliveries.ReleaseAsync(delivery.DeliveryId, incoming.DedupKey, CancellationToken.None),
                "release",
                delivery.DeliveryId
            );
            metrics.Count(incoming.EventName, ErrorCodes.BusUnavailable);
            return new IngestResult(IngestOutcome.BusUnavailable, delivery.DeliveryId);
        }

        // The broker has the message: it is accepted whatever happens next. A failed confirm only means the
        // in-flight mark expires instead of becoming the dedup record.
        await BestEffortAsync(
            () => deliveries.ConfirmAsync(delivery.DeliveryId, incoming.DedupKey, CancellationToken.None),
            "confirm",
            delivery.DeliveryId
        );
        metrics.Count(incoming.EventName, "accepted");
        // The router says in one line what each delivery became; this one only matters when following a single request.
        logger.LogDebug("{EventName} delivery {DeliveryId} accepted", incoming.EventName, delivery.DeliveryId);
        return new IngestResult(IngestOutcome.Accepted, delivery.DeliveryId);
    }

    /// <summary>Publishes a stored delivery again, marked as a replay. False when the broker did not confirm.</summary>
    public async Task<bool> ReplayAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        if (delivery.Truncated)
        {
            throw new InvalidOperationException("a truncated delivery cannot be replayed");
        }

        var incoming = IncomingWebhook.FromHeaders(delivery.EventName, delivery.Headers, delivery.Payload);
        var published = await TryPublishAsync(ToMessage(delivery, incoming, replayed: true), cancellationToken);
        logger.LogInformation(
            "{EventName} delivery {DeliveryId} replay {Outcome}",
            delivery.EventName,
            delivery.DeliveryId,
            published ? "published" : "not confirmed by the broker"
        );
        return published;
    }

    private async Task<bool> TryPublishAsync(WebhookReceived message, CancellationToken cancellationToken)
    {
        try
        {
            await bus.PublishConfirmedAsync(message, watchdog, cancellationToken, settings.PublishTimeout);
            return true;
        }
        catch (Exception failure)
        {
            // Whatever the cause (broker down, confirm timeout, caller gone), the delivery was not accepted.
            logger.LogWarning(
                "The broker did not confirm {EventName} delivery {DeliveryId} within {Timeout}: {Reason}",
                message.EventName,
                message.DeliveryId,
                settings.PublishTimeout,
                failure.GetType().Name
            );
            return false;
        }
    }

    private async Task BestEffortAsync(Func<Task> write, string step, Guid deliveryId)
    {
        try
        {
            await write();
        }
        catch (Exception failure)
        {
            logger.LogWarning(
                "Could not {Step} delivery {DeliveryId} in the state store ({Reason}); its in-flight mark expires on its own",
                step,
                deliveryId,
                failure.GetType().Name
            );
        }
    }

    private static WebhookReceived ToMessage(WebhookDelivery delivery, IncomingWebhook incoming, bool replayed) =>
        new()
        {
            DeliveryId = delivery.DeliveryId,
            EventName = delivery.EventName,
            Payload = delivery.Payload,
            ReceivedAt = delivery.ReceivedAt,
            IdempotencyKey = incoming.IdempotencyKey,
            EventUuid = incoming.EventUuid,
            WebhookUuid = incoming.WebhookUuid,
            Instance = incoming.Instance,
            OrgId = delivery.OrgId,
            Replayed = replayed,
        };
}

public sealed record IngestResult(IngestOutcome Outcome, Guid DeliveryId);

public enum IngestOutcome
{
    Accepted,
    Duplicate,
    InFlight,

    /// <summary>The broker did not confirm: 503 bus_unavailable, GitLab retries.</summary>
    BusUnavailable,

    /// <summary>The state store could not record the claim: 503 cache_unavailable, GitLab retries.</summary>
    StateUnavailable,
}

/// <summary>An authenticated, parsed delivery. <see cref="Headers"/> already lacks every secret-bearing header.</summary>
public sealed record IncomingWebhook(
    string EventName,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement Payload,
    string? IdempotencyKey,
    string? EventUuid,
    string? WebhookUuid,
    string? Instance
)
{
    public string? DedupKey => GitLabHeaders.DedupKey(IdempotencyKey, WebhookUuid, EventUuid);

    /// <summary>Set when an organisation's webhook endpoint received it.</summary>
    public string? OrgId { get; init; }

    public static IncomingWebhook FromHeaders(string eventName, IReadOnlyDictionary<string, string> headers, JsonElement payload)
    {
        var lookup = GitLabHeaders.Keep(headers);

        return new IncomingWebhook(
            eventName,
            lookup,
            payload,
            lookup.GetValueOrDefault(GitLabHeaders.IdempotencyKey),
            lookup.GetValueOrDefault(GitLabHeaders.EventUuid),
            lookup.GetValueOrDefault(GitLabHeaders.WebhookUuid),
            lookup.GetValueOrDefault(GitLabHeaders.Instance)
        );
    }
}

/// <summary><c>gitlab_webhook_events_total{event,outcome}</c>: every delivery the gateway answered past authentication.</summary>
public sealed class WebhookMetrics(IMeterFactory meters)
{
    public const string MeterName = "GitLabBus.Gateway";

    private readonly Counter<long> _events = meters
        .Create(MeterName)
        .CreateCounter<long>("gitlab_webhook_events", description: "GitLab webhook deliveries by event and outcome");

    public void Count(string eventName, string outcome) =>
        _events.Add(
            1,
            new KeyValuePair<string, object?>("event", GitLabHeaders.MetricLabel(eventName)),
            new KeyValuePair<string, object?>("outcome", outcome)
        );
}
