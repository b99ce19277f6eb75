using GitLabBus.Runtime.Backlog;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Embeddings;
using GitLabBus.Runtime.Health;
using GitLabBus.Runtime.Operations;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace GitLabBus.Runtime.State;

/// <summary>
/// State lives in Redis when <c>REDIS_URL</c> is set (one multiplexer per process), in memory otherwise: webhook
/// deliveries, operation progress, title embeddings, the backlog-apply ledger, and callers' GitLab tokens (encrypted; the Data Protection key ring
/// beside them).
/// </summary>
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

        services.AddSingleton(CredentialSettings.Read(settings.Reader));
        services.AddSingleton(BacklogApplySettings.Read(settings.Reader));
        services.AddDataProtection().SetApplicationName("GitLabBus");
        if (settings.Redis.InMemory)
        {
            services.AddSingleton<ICredentialStore, InMemoryCredentialStore>();
            services.AddSingleton<IEmbeddingCache, InMemoryEmbeddingCache>();
            services.AddSingleton<IWebhookDeliveryStore, InMemoryWebhookDeliveryStore>();
            services.AddSingleton<IOperationProgress, InMemoryOperationProgress>();
            services.AddSingleton<IBacklogApplyLedger, InMemoryBacklogApplyLedger>();
            services.AddHealthChecks().AddCheck(
                "redis",
                () => HealthCheckResult.Healthy("in-memory state (REDIS_URL not set)"),
                [HealthTag, HealthEndpoints.ReadyTag]);
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ => RedisConnection.Connect(settings.Redis));

        // Every host encrypts and decrypts the same credentials: one key ring, in Redis.
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((keys, redis) =>
            keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "gitlabbus:data-protection-keys"));
        services.AddSingleton<ICredentialStore, RedisCredentialStore>();
        services.AddSingleton<IEmbeddingCache, RedisEmbeddingCache>();
        services.AddSingleton<IWebhookDeliveryStore, RedisWebhookDeliveryStore>();
        services.AddSingleton<IOperationProgress, RedisOperationProgress>();
        services.AddSingleton<IBacklogApplyLedger, RedisBacklogApplyLedger>();
        services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(),
            name: "redis",
            tags: [HealthTag, HealthEndpoints.ReadyTag],
            timeout: TimeSpan.FromSeconds(3));
        return services;
    }
}
