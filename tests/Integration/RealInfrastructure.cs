using System.Text;
using GitLabBus.Consumers;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Hosting;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Sagas;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        string role,
        Func<IServiceCollection, RuntimeSettings, Action<IBusRegistrationConfigurator>> addRole,
        params string[] extraArgs
    )
    {
        var host = RoleHost.Build(
            [
                $"--RABBITMQ_URL={RabbitMqUrl}",
                $"--REDIS_URL={RedisUrl}",
                "--urls=http://127.0.0.1:0",
                "--SCHEDULER_POLL_MILLISECONDS=50",
                .. extraArgs,
            ],
            role,
            "http://127.0.0.1:0",
            addRole
        );
        await host.StartAsync();
        await RunningHosts.WaitHealthyAsync(host.Services);
        return host;
    }

    /// <summary>
    /// A bus on this vhost and database with the production bus setup plus <paramref name="register"/> (a saga,
    /// say), started: one replica of a role, without the host around it.
    /// </summary>
    public async Task<ServiceProvider> StartBusAsync(
        Action<IBusRegistrationConfigurator, RuntimeSettings> register,
        params (string Key, string Value)[] environment
    )
    {
        var variables = new Dictionary<string, string?> { ["RABBITMQ_URL"] = RabbitMqUrl, ["REDIS_URL"] = RedisUrl };
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
    public Task<IConnection> ConnectRawAsync() =>
        new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitMqHost,
            Port = TestInfrastructure.RabbitMqPort,
            VirtualHost = VirtualHost,
            UserName = "guest",
            Password = "guest",
        }.CreateConnectionAsync();

    /// <summary>Publishes <paramref name="json"/> as <c>application/json</c> to an exchange, confirmed, as another system would.</summary>
    public async Task PublishRawAsync(string exchange, string json)
    {
        await using var connection = await ConnectRawAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)
        );
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        await channel.BasicPublishAsync(exchange, "", mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The fault headers of the message in <paramref name="queue"/> whose body contains <paramref name="marker"/>.</summary>
    public async Task<(string Reason, string? RetryCount)> ReadErrorQueueAsync(string queue, string marker)
    {
        (string, string?)? found = null;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    // MassTransit declares the error queue with the first fault; until then the broker answers 404, and while the
                    // new quorum queue elects its leader it may close the whole connection (541 noproc): a fresh one each try.
                    await using var connection = await ConnectRawAsync();
                    await using var channel = await connection.CreateChannelAsync();
                    BasicGetResult? message;
                    try
                    {
                        message = await channel.BasicGetAsync(queue, autoAck: false);
                    }
                    catch (Exception closed)
                        when (closed
                                is RabbitMQ.Client.Exceptions.OperationInterruptedException
                                    or RabbitMQ.Client.Exceptions.AlreadyClosedException
                        )
                    {
                        return false;
                    }

                    if (message is null || !Encoding.UTF8.GetString(message.Body.Span).Contains(marker, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    var headers = message.BasicProperties.Headers!;
                    found = (Header(headers, "MT-Fault-Message")!, Header(headers, "MT-Fault-RetryCount"));
                    return true;
                },
                TimeSpan.FromSeconds(30)
            ),
            $"no message containing {marker} reached {queue}"
        );
        return found!.Value;
    }

    private static string? Header(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) switch
        {
            false => null,
            _ => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString(),
        };
}
