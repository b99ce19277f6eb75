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

    private readonly Dictionary<string, string> _environment;

    private BenchDeployment(Dictionary<string, string> environment, HostProcess sagas, HostProcess consumers, HostProcess gateway) =>
        (_environment, Sagas, Consumers, Gateway) = (environment, sagas, consumers, gateway);

    public HostProcess Sagas { get; private set; }

    public HostProcess Consumers { get; private set; }

    public HostProcess Gateway { get; private set; }

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

        return await StartAsync(settings.RabbitMqUrl, $"redis://{settings.RedisEndpoint}/{redisDatabase}", simulatorUrl, extra);
    }

    /// <summary>The three hosts on the broker and the Redis these URLs name (a cluster's too), as they are.</summary>
    public static async Task<BenchDeployment> StartAsync(
        string rabbitMqUrl,
        string redisUrl,
        string simulatorUrl,
        IReadOnlyDictionary<string, string>? extra = null
    )
    {
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_URL"] = rabbitMqUrl,
            ["REDIS_URL"] = redisUrl,
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

        var sagas = await StartRoleAsync(environment, "sagas");
        var consumers = await StartRoleAsync(environment, "consumers");
        var gateway = await StartRoleAsync(environment, "gateway");
        return new BenchDeployment(environment, sagas, consumers, gateway);
    }

    /// <summary>SIGKILLs one host (<c>gateway</c>, <c>consumers</c> or <c>sagas</c>) and starts it again as it was started,
    /// as an orchestrator restarts a crashed container; returns once it is ready again.</summary>
    public async Task KillAndRestartAsync(string role)
    {
        var host = Host(role);
        await host.DisposeAsync();
        var restarted = await StartRoleAsync(_environment, role);
        switch (role)
        {
            case "gateway":
                Gateway = restarted;
                break;
            case "consumers":
                Consumers = restarted;
                break;
            default:
                Sagas = restarted;
                break;
        }
    }

    private HostProcess Host(string role) =>
        role switch
        {
            "gateway" => Gateway,
            "consumers" => Consumers,
            "sagas" => Sagas,
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "gateway, consumers or sagas"),
        };

    private static Task<HostProcess> StartRoleAsync(Dictionary<string, string> environment, string role)
    {
        var (assembly, port) = role switch
        {
            "gateway" => ("GitLabBus.Gateway.dll", GatewayPort),
            "consumers" => ("GitLabBus.Consumers.dll", ConsumersPort),
            _ => ("GitLabBus.Sagas.dll", SagasPort),
        };
        return HostProcess.StartAsync(
            assembly,
            $"http://127.0.0.1:{port}/health/ready",
            new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }
        );
    }

    /// <summary>A push hook for the gateway as GitLab posts it, with the deployment's webhook secret; GitLab keeps
    /// <paramref name="idempotencyKey"/> (and the event UUID) the same when it retries.</summary>
    public static HttpRequestMessage PushHookRequest(byte[] body, string idempotencyKey, string? eventUuid = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitlab") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Gitlab-Event", "Push Hook");
        request.Headers.Add("X-Gitlab-Token", Secret);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (eventUuid is not null)
        {
            request.Headers.Add("X-Gitlab-Event-UUID", eventUuid);
        }

        return request;
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
