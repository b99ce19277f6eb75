using GitLabBus.Contracts;
using GitLabBus.Gateway.Errors;
using MassTransit;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>
/// Keeps in the delivery log where the router sent each delivery, or why it refused one (MassTransit's fault of the
/// delivery, published when the router gave up on it): the log is the gateway's, the routing the consumers'.
/// </summary>
public sealed class WebhookRoutedConsumer(IWebhookDeliveryStore deliveries) : IConsumer<WebhookRouted>, IConsumer<Fault<WebhookReceived>>
{
    public Task Consume(ConsumeContext<WebhookRouted> context) =>
        deliveries.MarkRoutedAsync(context.Message.DeliveryId, context.Message.RoutedTo, context.CancellationToken);

    public Task Consume(ConsumeContext<Fault<WebhookReceived>> context) =>
        context.Message.Message.DeliveryId == Guid.Empty
            ? Task.CompletedTask
            : deliveries.MarkFailedAsync(
                context.Message.Message.DeliveryId,
                ApiError.Cut(context.Message.Exceptions.FirstOrDefault()?.Message ?? "the router refused it"),
                context.CancellationToken
            );
}
