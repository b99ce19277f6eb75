using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Health;
using GitLabBus.Runtime.Operations;
using GitLabBus.Runtime.Settings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace GitLabBus.Runtime.State;

/// <summary>
/// State lives in Redis when <c>REDIS_URL</c> is set (one multiplexer per process), in memory otherwise. Registered here:
/// what every host shares (operation progress; callers' credentials, OAuth sessions and organisations' GitLabs, encrypted,
/// with the Data Protection key ring beside them); each capability registers its own stores with
/// <see cref="AddStore{TStore, TInMemory, TRedis}"/>.
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
        services.AddDataProtection().SetApplicationName("GitLabBus");
        services.AddSingleton<OperationLauncher>();
        services.AddStore<ICredentialStore, InMemoryCredentialStore, RedisCredentialStore>(settings.Redis);
        services.AddStore<IGitLabSessionStore, InMemoryGitLabSessionStore, RedisGitLabSessionStore>(settings.Redis);
        services.AddStore<IOrgIntegrationStore, InMemoryOrgIntegrationStore, RedisOrgIntegrationStore>(settings.Redis);
        services.AddStore<IOperationProgress, InMemoryOperationProgress, RedisOperationProgress>(settings.Redis);
        if (settings.Redis.InMemory)
        {
            services
                .AddHealthChecks()
                .AddCheck(
                    "redis",
                    () => HealthCheckResult.Healthy("in-memory state (REDIS_URL not set)"),
                    [HealthTag, HealthEndpoints.ReadyTag]
                );
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ => RedisConnection.Connect(settings.Redis));

        // Every host encrypts and decrypts the same credentials: one key ring, in Redis.
        services
            .AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer>(
                (keys, redis) => keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "gitlabbus:data-protection-keys")
            );
        services
            .AddHealthChecks()
            .AddRedis(
                sp => sp.GetRequiredService<IConnectionMultiplexer>(),
                name: "redis",
                tags: [HealthTag, HealthEndpoints.ReadyTag],
                timeout: TimeSpan.FromSeconds(3)
            );
        return services;
    }

    /// <summary>A store kept in Redis when it is configured, in this process's memory otherwise (once per process).</summary>
    public static IServiceCollection AddStore<TStore, TInMemory, TRedis>(this IServiceCollection services, RedisSettings redis)
        where TStore : class
        where TInMemory : class, TStore
        where TRedis : class, TStore
    {
        if (redis.InMemory)
        {
            services.TryAddSingleton<TStore, TInMemory>();
        }
        else
        {
            services.TryAddSingleton<TStore, TRedis>();
        }

        return services;
    }
}
