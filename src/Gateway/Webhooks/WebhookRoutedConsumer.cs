using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>Keeps in the delivery log where the router sent each delivery: the log is the gateway's, the routing the consumers'.</summary>
public sealed class WebhookRoutedConsumer(IWebhookDeliveryStore deliveries) : IConsumer<WebhookRouted>
{
    public Task Consume(ConsumeContext<WebhookRouted> context) =>
        deliveries.MarkRoutedAsync(context.Message.DeliveryId, context.Message.RoutedTo, context.CancellationToken);
}
