using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using HostRedis = GitLabBus.Runtime.State.RedisConnection;

namespace GitLabBus.Tests.TestSupport;

/// <summary>
/// The real RabbitMQ and Redis the test command starts. Each integration class takes its own vhost and its
/// own Redis database, so classes run in parallel without seeing each other's queues or keys.
/// </summary>
public static class TestInfrastructure
{
    public static string RabbitMqHost => Environment.GetEnvironmentVariable("GITLABBUS_TEST_RABBITMQ_HOST") ?? "127.0.0.1";
    public static int RabbitMqPort => int.Parse(Environment.GetEnvironmentVariable("GITLABBUS_TEST_RABBITMQ_PORT") ?? "5672");
    public static string ManagementUrl =>
        Environment.GetEnvironmentVariable("GITLABBUS_TEST_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:15672";
    public static string RedisEndpoint => Environment.GetEnvironmentVariable("GITLABBUS_TEST_REDIS") ?? "127.0.0.1:6379";

    public static IPEndPoint RabbitMqEndpoint => new(IPAddress.Parse(RabbitMqHost), RabbitMqPort);

    private static readonly HttpClient Management = new()
    {
        BaseAddress = new Uri(ManagementUrl),
        DefaultRequestHeaders =
        {
            Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest"))),
        },
    };

    public static string RabbitMqUrl(string virtualHost, int? port = null) =>
        $"amqp://guest:guest@{RabbitMqHost}:{port ?? RabbitMqPort}/{Uri.EscapeDataString(virtualHost)}";

    public static async Task CreateVirtualHostAsync(string virtualHost)
    {
        var name = Uri.EscapeDataString(virtualHost);
        (await Management.PutAsJsonAsync($"/api/vhosts/{name}", new { })).EnsureSuccessStatusCode();
        (
            await Management.PutAsJsonAsync(
                $"/api/permissions/{name}/guest",
                new
                {
                    configure = ".*",
                    write = ".*",
                    read = ".*",
                }
            )
        ).EnsureSuccessStatusCode();
    }

    public static async Task DeleteVirtualHostAsync(string virtualHost) =>
        await Management.DeleteAsync($"/api/vhosts/{Uri.EscapeDataString(virtualHost)}");

    /// <summary>A queue as the management API describes it (type, arguments, message counts).</summary>
    public static async Task<System.Text.Json.JsonElement> QueueAsync(string virtualHost, string queue)
    {
        var response = await Management.GetAsync($"/api/queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
    }

    private static readonly Lazy<ConnectionMultiplexer> Redis = new(() =>
        ConnectionMultiplexer.Connect(RedisEndpoint + ",allowAdmin=true")
    );

    /// <summary>A Redis database no other running test class uses, emptied first.</summary>
    public static async Task<int> TakeRedisDatabaseAsync()
    {
        // Database 0 holds the counter; the test command starts Redis with 64 databases, a reused server may have 16.
        var server = Redis.Value.GetServer(Redis.Value.GetEndPoints()[0]);
        var databases = server.DatabaseCount;
        var next = await Redis.Value.GetDatabase(0).StringIncrementAsync("gitlabbus-tests:next-database");
        var database = (int)(next % (databases - 1)) + 1;
        await server.FlushDatabaseAsync(database);
        return database;
    }

    public static IConnectionMultiplexer RedisConnection => Redis.Value;

    /// <summary>A connection whose default database is one no other running test class uses, emptied first.</summary>
    public static async Task<(IConnectionMultiplexer Redis, int Database)> ConnectToFreshDatabaseAsync()
    {
        var database = await TakeRedisDatabaseAsync();
        return (await ConnectionMultiplexer.ConnectAsync($"{RedisEndpoint},defaultDatabase={database}"), database);
    }

    public static string RedisUrl(int database) => $"redis://{RedisEndpoint}/{database}";

    /// <summary>The seeds of the Redis Cluster (three masters, three replicas) the test command starts.</summary>
    public static string RedisClusterSeeds =>
        Environment.GetEnvironmentVariable("GITLABBUS_TEST_REDIS_CLUSTER") ?? "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";

    public static string RedisClusterUrl => $"redis://{RedisClusterSeeds}";

    /// <summary>
    /// A connection to the Redis Cluster made as the hosts make theirs (from <c>REDIS_URL</c>), every master emptied first. A
    /// cluster has one database: the classes using it share the <c>redis-cluster</c> collection, so they run one at a time.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectToEmptiedClusterAsync()
    {
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(RedisClusterSeeds + ",allowAdmin=true"))
        {
            await Task.WhenAll(admin.GetServers().Where(server => !server.IsReplica).Select(server => server.FlushAllDatabasesAsync()));
        }

        var settings = RedisSettings.Read(
            new SettingsReader(
                new ConfigurationBuilder()
                    .AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = RedisClusterUrl })
                    .Build()
            )
        );
        var redis = await ConnectionMultiplexer.ConnectAsync(HostRedis.Options(settings));
        if (redis.GetServers() is not { Length: 6 } servers || servers.Any(server => server.ServerType != ServerType.Cluster))
        {
            throw new InvalidOperationException(
                $"expected a Redis Cluster of six nodes at {RedisClusterSeeds} (scripts/test.sh starts it)"
            );
        }

        return redis;
    }

    public static string NewVirtualHostName(string owner) => $"test-{owner}-{Guid.NewGuid():N}";
}
