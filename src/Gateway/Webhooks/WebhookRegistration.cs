using GitLabBus.Gateway.Startup;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using MassTransit;

namespace GitLabBus.Gateway.Webhooks;

public static class WebhookRegistration
{
    /// <summary>Webhook ingress and the delivery log it keeps (Redis, or memory in embedded mode).</summary>
    public static IServiceCollection AddWebhookIngress(this IServiceCollection services, GatewaySettings settings, RedisSettings redis)
    {
        services.AddSingleton(settings);
        services.AddSingleton<WebhookSecret>();
        services.AddSingleton<WebhookSignature>();
        services.AddSingleton<WebhookIngest>();
        services.AddStore<IWebhookDeliveryStore, InMemoryWebhookDeliveryStore, RedisWebhookDeliveryStore>(redis);
        return services;
    }

    /// <summary>The gateway's own place on the bus: it hears where the router sent each delivery, for the log.</summary>
    public static void AddWebhookDeliveryLog(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<WebhookRoutedConsumer, WebhookRoutedConsumerDefinition>();
}
