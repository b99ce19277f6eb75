using MassTransit;

namespace GitLabBus.Gateway.Webhooks;

public sealed class WebhookRoutedConsumerDefinition : ConsumerDefinition<WebhookRoutedConsumer>
{
    public WebhookRoutedConsumerDefinition() => EndpointName = "webhook-deliveries";
}
