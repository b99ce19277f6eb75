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
            await RouteForOrganisationAsync(context, webhook, org);
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

    /// <summary>
    /// An organisation's project ids and merge requests are of its own GitLab: typed events would have the capabilities act on
    /// the gateway's GitLab instead, so its deliveries go on as <see cref="OrgWebhookReceived"/> to the capabilities that act
    /// there (task links, reviews, the merge queue's entry). Its pipeline and job hooks go typed as well, with its id, for the
    /// pipeline monitor, which follows an organisation's pipelines at its GitLab.
    /// </summary>
    private async Task RouteForOrganisationAsync(ConsumeContext context, WebhookReceived webhook, string org)
    {
        var delivery = new OrgWebhookReceived
        {
            DeliveryId = webhook.DeliveryId,
            OrgId = org,
            EventName = webhook.EventName,
            Payload = webhook.Payload,
        };
        var typed = WebhookRouter.RouteForOrganisation(delivery, WebhookKind.Pipeline, WebhookKind.Job);
        List<string> routedTo = [nameof(OrgWebhookReceived)];
        if (typed is not null)
        {
            await context.Publish(typed, typed.GetType(), context.CancellationToken);
            routedTo.Add(typed.GetType().Name);
        }

        await context.Publish(delivery, context.CancellationToken);
        await context.Publish(new WebhookRouted { DeliveryId = webhook.DeliveryId, RoutedTo = routedTo }, context.CancellationToken);
        logger.LogInformation(
            "Delivery {DeliveryId} ({EventName}) is organisation {OrgId}'s; routed as {EventTypes}",
            webhook.DeliveryId,
            webhook.EventName,
            org,
            routedTo
        );
    }
}
