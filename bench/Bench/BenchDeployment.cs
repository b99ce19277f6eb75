using System.Net.Http.Headers;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Startup;
using GitLabBus.Simulator;

namespace GitLabBus.Bench;

/// <summary>
/// The distributed shape as deployed: a sagas, a consumers and a gateway host, each its own process, on the benchmark's
/// vhost and a Redis database of its own (emptied first), against a GitLab at <c>simulatorUrl</c> without rate limit.
/// </summary>
public sealed class BenchDeployment : IAsyncDisposable
{
    public const int GatewayPort = 18090;
    public const string Secret = "bench-webhook-secret";
    private const int ConsumersPort = 18091;
    private const int SagasPort = 18092;
    private const string JwtSecret = "bench-jwt-secret-0123456789abcdef0123456789";

    private BenchDeployment(HostProcess sagas, HostProcess consumers, HostProcess gateway) =>
        (Sagas, Consumers, Gateway) = (sagas, consumers, gateway);

    public HostProcess Sagas { get; }

    public HostProcess Consumers { get; }

    public HostProcess Gateway { get; }

    public static async Task<BenchDeployment> StartAsync(
        BenchSettings settings,
        string simulatorUrl,
        int redisDatabase,
        IReadOnlyDictionary<string, string>? extra = null
    )
    {
        // State of an earlier run (saga instances, ledgers, caches) would mix with this run's.
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{settings.RedisEndpoint},allowAdmin=true"))
        {
            await redis.GetServers()[0].FlushDatabaseAsync(redisDatabase);
        }

        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_URL"] = settings.RabbitMqUrl,
            ["REDIS_URL"] = $"redis://{settings.RedisEndpoint}/{redisDatabase}",
            ["GITLAB_WEBHOOK_SECRET"] = Secret,
            ["LOCAL_JWT_SECRET"] = JwtSecret,
            ["GITLAB_BASE_URL"] = simulatorUrl,
            ["GITLAB_TOKEN"] = SimulatorOptions.DefaultToken,
            ["GITLAB_RATE_LIMIT_PER_SECOND"] = "0",
            ["LOG_LEVEL"] = Environment.GetEnvironmentVariable("BENCH_LOG_LEVEL") ?? "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var sagas = await Start("GitLabBus.Sagas.dll", SagasPort);
        var consumers = await Start("GitLabBus.Consumers.dll", ConsumersPort);
        var gateway = await Start("GitLabBus.Gateway.dll", GatewayPort);
        return new BenchDeployment(sagas, consumers, gateway);

        Task<HostProcess> Start(string assembly, int port) =>
            HostProcess.StartAsync(
                assembly,
                $"http://127.0.0.1:{port}/health/ready",
                new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }
            );
    }

    /// <summary>An HTTP client for the gateway with an admin bearer token.</summary>
    public static HttpClient CreateClient(int maxConnections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{GatewayPort}"),
            Timeout = TimeSpan.FromMinutes(10),
        };
        var token = TokenIssuer.Issue(
            new GatewaySettings { WebhookSecret = Secret, JwtSecret = JwtSecret },
            "bench",
            [Roles.Admin],
            TimeSpan.FromHours(1),
            DateTimeOffset.UtcNow
        );
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Consumers.DisposeAsync();
        await Sagas.DisposeAsync();
    }
}
