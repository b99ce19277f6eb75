using GitLabBus.Consumers;
using GitLabBus.Runtime.Hosting;
using GitLabBus.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
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
    public async Task<WebApplication> StartConsumersHostAsync()
    {
        var host = RoleHost.Build(
            [$"--RABBITMQ_URL={RabbitMqUrl}", $"--REDIS_URL={RedisUrl}", "--urls=http://127.0.0.1:0"],
            ConsumersRole.Name, "http://127.0.0.1:0", (services, settings) => services.AddConsumersRole(settings));
        await host.StartAsync();
        await RunningHosts.WaitHealthyAsync(host.Services);
        return host;
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
