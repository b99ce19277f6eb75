using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Webhooks;

/// <summary>Publishes the typed event for each delivery, and <see cref="WebhookRouted"/> saying where it went (for the delivery
/// log).</summary>
public sealed class WebhookRouterConsumer(ILogger<WebhookRouterConsumer> logger) : IConsumer<WebhookReceived>
{
    public async Task Consume(ConsumeContext<WebhookReceived> context)
    {
        // Raw-JSON publishers may leave the delivery id out: fall back to the transport's message id.
        var webhook =
            context.Message.DeliveryId == Guid.Empty
                ? context.Message with
                {
                    DeliveryId = context.MessageId ?? NewId.NextGuid(),
                }
                : context.Message;

        if (webhook.OrgId is { } org)
        {
            // An organisation's project ids and merge requests are of its own GitLab: the typed events would have the
            // capabilities act on the gateway's GitLab instead. Its deliveries feed its task links only (TaskLinkHookConsumer).
            await context.Publish(
                new OrgWebhookReceived
                {
                    DeliveryId = webhook.DeliveryId,
                    OrgId = org,
                    EventName = webhook.EventName,
                    Payload = webhook.Payload,
                },
                context.CancellationToken
            );
            await context.Publish(
                new WebhookRouted { DeliveryId = webhook.DeliveryId, RoutedTo = [nameof(OrgWebhookReceived)] },
                context.CancellationToken
            );
            logger.LogInformation(
                "Delivery {DeliveryId} ({EventName}) is organisation {OrgId}'s; it refreshes its task links only",
                webhook.DeliveryId,
                webhook.EventName,
                org
            );
            return;
        }

        var typed = WebhookRouter.Route(webhook);
        if (typed is null)
        {
            logger.LogInformation(
                "Delivery {DeliveryId} ({EventName}) is a kind nothing consumes; recorded, not routed",
                webhook.DeliveryId,
                webhook.EventName
            );
            await context.Publish(new WebhookRouted { DeliveryId = webhook.DeliveryId, RoutedTo = [] }, context.CancellationToken);
            return;
        }

        var eventType = typed.GetType();
        await context.Publish(typed, eventType, context.CancellationToken);
        await context.Publish(
            new WebhookRouted { DeliveryId = webhook.DeliveryId, RoutedTo = [eventType.Name] },
            context.CancellationToken
        );
        logger.LogInformation(
            "Delivery {DeliveryId} ({EventName}) routed as {EventType}{Replay}",
            webhook.DeliveryId,
            webhook.EventName,
            eventType.Name,
            webhook.Replayed ? " (replay)" : ""
        );
    }
}
