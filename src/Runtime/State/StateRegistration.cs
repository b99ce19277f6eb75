using GitLabBus.Runtime.Health;
using GitLabBus.Runtime.Operations;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace GitLabBus.Runtime.State;

/// <summary>State lives in Redis when <c>REDIS_URL</c> is set (one multiplexer per process), in memory otherwise.</summary>
public static class StateRegistration
{
    public const string HealthTag = "redis";

    public static IServiceCollection AddGitLabBusState(this IServiceCollection services, RuntimeSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(settings.Bus);
        services.AddSingleton(settings.Redis);
        services.AddSingleton(settings.Webhooks);
        services.AddSingleton(TimeProvider.System);

        if (settings.Redis.InMemory)
        {
            services.AddSingleton<IWebhookDeliveryStore, InMemoryWebhookDeliveryStore>();
            services.AddSingleton<IOperationProgress, InMemoryOperationProgress>();
            services.AddHealthChecks().AddCheck(
                "redis",
                () => HealthCheckResult.Healthy("in-memory state (REDIS_URL not set)"),
                [HealthTag, HealthEndpoints.ReadyTag]);
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ => RedisConnection.Connect(settings.Redis));
        services.AddSingleton<IWebhookDeliveryStore, RedisWebhookDeliveryStore>();
        services.AddSingleton<IOperationProgress, RedisOperationProgress>();
        services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(),
            name: "redis",
            tags: [HealthTag, HealthEndpoints.ReadyTag],
            timeout: TimeSpan.FromSeconds(3));
        return services;
    }
}
