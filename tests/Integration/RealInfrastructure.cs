using GitLabBus.Consumers;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Hosting;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using GitLabBus.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace GitLabBus.Tests.Integration;

/// <summary>One vhost and one Redis database per test class, created before and removed after.</summary>
public sealed class RealInfrastructure : IAsyncLifetime
{
    public string VirtualHost { get; } = TestInfrastructure.NewVirtualHostName("it");

    public int RedisDatabase { get; private set; }

    public string RabbitMqUrl => TestInfrastructure.RabbitMqUrl(VirtualHost);

    public string RedisUrl => TestInfrastructure.RedisUrl(RedisDatabase);

    public async Task InitializeAsync()
    {
        await TestInfrastructure.CreateVirtualHostAsync(VirtualHost);
        RedisDatabase = await TestInfrastructure.TakeRedisDatabaseAsync();
    }

    public Task DisposeAsync() => TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);

    /// <summary>A consumers host on this vhost and database, started and ready (its queues bound).</summary>
    public Task<WebApplication> StartConsumersHostAsync(params string[] extraArgs) =>
        StartRoleHostAsync(ConsumersRole.Name, (services, settings) => services.AddConsumersRole(settings), extraArgs);

    /// <summary>A sagas host (with the durable scheduler endpoint) on this vhost and database, started and ready.</summary>
    public Task<WebApplication> StartSagasHostAsync(params string[] extraArgs) =>
        StartRoleHostAsync(SagasRole.Name, (services, settings) => services.AddSagasRole(settings), extraArgs);

    private async Task<WebApplication> StartRoleHostAsync(
        string role, Func<IServiceCollection, RuntimeSettings, Action<IBusRegistrationConfigurator>> addRole, params string[] extraArgs)
    {
        var host = RoleHost.Build(
            [$"--RABBITMQ_URL={RabbitMqUrl}", $"--REDIS_URL={RedisUrl}", "--urls=http://127.0.0.1:0", "--SCHEDULER_POLL_MILLISECONDS=50", .. extraArgs],
            role, "http://127.0.0.1:0", addRole);
        await host.StartAsync();
        await RunningHosts.WaitHealthyAsync(host.Services);
        return host;
    }

    /// <summary>
    /// A bus on this vhost and database with the production bus setup plus <paramref name="register"/> (a saga,
    /// say), started: one replica of a role, without the host around it.
    /// </summary>
    public async Task<ServiceProvider> StartBusAsync(
        Action<IBusRegistrationConfigurator, RuntimeSettings> register, params (string Key, string Value)[] environment)
    {
        var variables = new Dictionary<string, string?>
        {
            ["RABBITMQ_URL"] = RabbitMqUrl,
            ["REDIS_URL"] = RedisUrl,
        };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        var settings = RuntimeSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
        var services = new ServiceCollection().AddLogging();
        services.AddGitLabBusState(settings);
        services.AddGitLabBus(settings.Bus, bus => register(bus, settings));
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IBusControl>().StartAsync();
        return provider;
    }

    /// <summary>A plain RabbitMQ.Client connection to this vhost, as another system would open one.</summary>
    public Task<IConnection> ConnectRawAsync() => new ConnectionFactory
    {
        HostName = TestInfrastructure.RabbitMqHost,
        Port = TestInfrastructure.RabbitMqPort,
        VirtualHost = VirtualHost,
        UserName = "guest",
        Password = "guest",
    }.CreateConnectionAsync();
}
