using GitLabBus.Tests.TestSupport;

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
}
