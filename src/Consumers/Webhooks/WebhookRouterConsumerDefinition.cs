using MassTransit;

namespace GitLabBus.Consumers.Webhooks;

public sealed class WebhookRouterConsumerDefinition : ConsumerDefinition<WebhookRouterConsumer>
{
    public const string QueueName = "webhook-router";

    public WebhookRouterConsumerDefinition() => EndpointName = QueueName;
}
