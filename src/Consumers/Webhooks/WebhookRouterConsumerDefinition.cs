using MassTransit;

namespace GitLabBus.Consumers.Webhooks;

/// <summary>
/// The router keeps MassTransit's default prefetch. Measured on the 2-core bench machine (bench/): 128 drains a
/// backlog about 40 % faster, but while it shares the cores with the gateway it pushed the gateway's p99 accept
/// latency from about 12 ms to 60-100 ms; answering GitLab quickly matters more than draining fast.
/// </summary>
public sealed class WebhookRouterConsumerDefinition : ConsumerDefinition<WebhookRouterConsumer>
{
    public const string QueueName = "webhook-router";

    public WebhookRouterConsumerDefinition() => EndpointName = QueueName;
}
