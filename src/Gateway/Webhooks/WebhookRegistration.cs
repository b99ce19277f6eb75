using GitLabBus.Gateway.Startup;

namespace GitLabBus.Gateway.Webhooks;

public static class WebhookRegistration
{
    public static IServiceCollection AddWebhookIngress(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<WebhookSecret>();
        services.AddSingleton<WebhookIngest>();
        return services;
    }
}
