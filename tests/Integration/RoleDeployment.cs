using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Startup;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Integration;

/// <summary>
/// GitLabBus as a deployment runs it: the gateway, the consumers (one or more replicas) and the sagas as their own
/// processes on real RabbitMQ and Redis, GitLab's webhooks coming from the simulator to the gateway over HTTP, the
/// simulator's clock fast. A test can kill the workers outright and start them again.
/// </summary>
public class RoleDeployment : IAsyncLifetime
{
    /// <summary>The <c>X-Gitlab-Token</c> the gateway expects, as the simulator's project hook sends it.</summary>
    public const string WebhookSecret = "deployment-webhook-secret-for-tests";
    private const string JwtSecret = "deployment-jwt-secret-for-tests-0123456789";
    private readonly string _simulatorUrl = Ports.FreeLoopbackUrl();
    private readonly List<RoleProcess> _consumers = [];

    /// <summary>Where the gateway will listen, known before it starts (for settings that name it).</summary>
    protected string GatewayUrl { get; } = Ports.FreeLoopbackUrl();

    /// <summary>The simulator, in this test process.</summary>
    protected WebApplication Simulator { get; private set; } = null!;

    public RealInfrastructure Infrastructure { get; } = new();

    public RoleProcess Gateway { get; private set; } = null!;

    /// <summary>The first consumers replica.</summary>
    public RoleProcess Consumers => _consumers[0];

    public IReadOnlyList<RoleProcess> ConsumerReplicas => _consumers;

    public RoleProcess Sagas { get; private set; } = null!;

    /// <summary>GitLab as its administrator.</summary>
    public HttpClient Root { get; private set; } = null!;

    /// <summary>GitLab as alice, a Developer of demo/shop.</summary>
    public HttpClient Alice { get; private set; } = null!;

    public string Output =>
        $"--- gateway\n{Gateway.Output}\n"
        + string.Concat(_consumers.Select((process, index) => $"--- consumers {index + 1}\n{process.Output}\n"))
        + $"--- sagas\n{Sagas.Output}";

    /// <summary>How many consumers processes run.</summary>
    protected virtual int Replicas => 1;

    /// <summary>Settings of the capability under test, on top of the common ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    private Dictionary<string, string> Environment =>
        new Dictionary<string, string>
        {
            ["RABBITMQ_URL"] = Infrastructure.RabbitMqUrl,
            ["REDIS_URL"] = Infrastructure.RedisUrl,
            ["GITLAB_BASE_URL"] = _simulatorUrl,
            ["GITLAB_TOKEN"] = SimulatorOptions.BotToken,
            ["GITLAB_WEBHOOK_SECRET"] = WebhookSecret,
            ["LOCAL_JWT_SECRET"] = JwtSecret,
            ["GITLAB_RATE_LIMIT_PER_SECOND"] = "0",
            ["REDELIVERY_INTERVALS_SECONDS"] = "1,2,4,8",
            ["SCHEDULER_POLL_MILLISECONDS"] = "50",
        }
            .Concat(Settings)
            .GroupBy(setting => setting.Key)
            .ToDictionary(group => group.Key, group => group.Last().Value);

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        // The service and the test's observer share the root token: GitLab's rate limit (specified by the simulator's and the
        // client's own tests) would only make the observer's polling fail with 429 while the service works hard.
        Simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = _simulatorUrl, RateLimitPerMinute = 1_000_000 });
        Root = Client(SimulatorOptions.DefaultToken);
        Alice = Client(SimulatorOptions.DeveloperToken);
        (await Root.PostAsJsonAsync("/_sim/clock", new { speed = 200 })).EnsureSuccessStatusCode();
        await PrepareGitLabAsync();
        Sagas = await RoleProcess.StartAsync("GitLabBus.Sagas.dll", Environment);
        await StartConsumersAsync();
        Gateway = await RoleProcess.StartAsync("GitLabBus.Gateway.dll", Environment, GatewayUrl);
        var hook = new
        {
            url = $"{Gateway.Url}/webhooks/gitlab",
            token = WebhookSecret,
            push_events = true,
            merge_requests_events = true,
            note_events = true,
            pipeline_events = true,
        };
        (await Root.PostAsJsonAsync("/api/v4/projects/1/hooks", hook)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _consumers.Append(Gateway).Append(Sagas))
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        Root.Dispose();
        Alice.Dispose();
        await Simulator.StopAsync();
        await Simulator.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }

    /// <summary>What the capability under test needs of GitLab before the services start (an OAuth application, say).</summary>
    protected virtual Task PrepareGitLabAsync() => Task.CompletedTask;

    /// <summary>SIGKILL for every consumers replica and the sagas, then all started again on the same broker and Redis.</summary>
    public async Task KillAndRestartWorkersAsync()
    {
        await KillConsumersAsync();
        await Sagas.KillAsync();
        await Sagas.DisposeAsync();
        Sagas = await RoleProcess.StartAsync("GitLabBus.Sagas.dll", Environment);
        await StartConsumersAsync();
    }

    /// <summary>SIGKILL for every consumers replica, then all started again.</summary>
    public async Task KillAndRestartConsumersAsync()
    {
        await KillConsumersAsync();
        await StartConsumersAsync();
    }

    /// <summary>The gateway's REST API with a token carrying <paramref name="roles"/>.</summary>
    public HttpClient Api(params string[] roles) => ApiForSession(null, roles);

    /// <summary>The gateway's REST API with a token of <paramref name="session"/> (its <c>oid</c>) with <paramref name="roles"/>.</summary>
    public HttpClient ApiForSession(string? session, params string[] roles)
    {
        var settings = new GatewaySettings { WebhookSecret = WebhookSecret, JwtSecret = JwtSecret };
        var client = new HttpClient { BaseAddress = new Uri(Gateway.Url) };
        var token = TokenIssuer.Issue(settings, "deployment-tester", roles, TimeSpan.FromMinutes(30), DateTimeOffset.UtcNow, session);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<JsonElement> MergeRequestAsync(long iid) =>
        await Root.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}");

    public async Task<IReadOnlyList<string>> NotesAsync(long iid) =>
        [
            .. (await Root.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}/notes?per_page=100"))
                .EnumerateArray()
                .Select(note => note.GetProperty("body").GetString()!),
        ];

    private async Task KillConsumersAsync()
    {
        foreach (var process in _consumers)
        {
            await process.KillAsync();
            await process.DisposeAsync();
        }

        _consumers.Clear();
    }

    private async Task StartConsumersAsync()
    {
        for (var replica = 0; replica < Replicas; replica++)
        {
            _consumers.Add(await RoleProcess.StartAsync("GitLabBus.Consumers.dll", Environment));
        }
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(_simulatorUrl) };
        client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", token);
        return client;
    }
}
