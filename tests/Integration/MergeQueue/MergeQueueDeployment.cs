using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Startup;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Integration.MergeQueue;

/// <summary>
/// The merge queue as a deployment runs it: the gateway, consumers and sagas as their own processes on real RabbitMQ and
/// Redis, GitLab's webhooks coming from the simulator to the gateway over HTTP, the simulator's clock fast. A test can
/// kill the consumers and sagas outright and start them again.
/// </summary>
public sealed class MergeQueueDeployment : IAsyncLifetime
{
    public const string ReadyLabel = "Merge Assist: Ready to Merge";
    public const string RejectedLabel = "Merge Assist: Rejected";

    private const string WebhookSecret = "merge-queue-webhook-secret-for-tests";
    private const string JwtSecret = "merge-queue-jwt-secret-for-tests-0123456789";
    private readonly string _simulatorUrl = Ports.FreeLoopbackUrl();
    private WebApplication _simulator = null!;

    public RealInfrastructure Infrastructure { get; } = new();

    public RoleProcess Gateway { get; private set; } = null!;
    public RoleProcess Consumers { get; private set; } = null!;
    public RoleProcess Sagas { get; private set; } = null!;

    /// <summary>GitLab as its administrator.</summary>
    public HttpClient Root { get; private set; } = null!;

    /// <summary>GitLab as alice, a Developer of demo/shop.</summary>
    public HttpClient Alice { get; private set; } = null!;

    public string Output => $"--- gateway\n{Gateway.Output}\n--- consumers\n{Consumers.Output}\n--- sagas\n{Sagas.Output}";

    private Dictionary<string, string> Environment =>
        new()
        {
            ["RABBITMQ_URL"] = Infrastructure.RabbitMqUrl,
            ["REDIS_URL"] = Infrastructure.RedisUrl,
            ["GITLAB_BASE_URL"] = _simulatorUrl,
            ["GITLAB_TOKEN"] = SimulatorOptions.BotToken,
            ["GITLAB_WEBHOOK_SECRET"] = WebhookSecret,
            ["LOCAL_JWT_SECRET"] = JwtSecret,
            ["GITLAB_RATE_LIMIT_PER_SECOND"] = "0",
            ["MERGE_WATCH_INTERVAL_SECONDS"] = "2",
            ["MERGE_STEP_LEASE_SECONDS"] = "3",
            ["REDELIVERY_INTERVALS_SECONDS"] = "1,2,4,8",
            ["SCHEDULER_POLL_MILLISECONDS"] = "50",
        };

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        _simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = _simulatorUrl });
        Root = Client(SimulatorOptions.DefaultToken);
        Alice = Client(SimulatorOptions.DeveloperToken);
        (await Root.PostAsJsonAsync("/_sim/clock", new { speed = 200 })).EnsureSuccessStatusCode();
        Sagas = await RoleProcess.StartAsync("GitLabBus.Sagas.dll", Environment);
        Consumers = await RoleProcess.StartAsync("GitLabBus.Consumers.dll", Environment);
        Gateway = await RoleProcess.StartAsync("GitLabBus.Gateway.dll", Environment);
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
        foreach (var process in new[] { Gateway, Consumers, Sagas })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        Root.Dispose();
        Alice.Dispose();
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }

    /// <summary>SIGKILL for the consumers and the sagas, then both started again on the same broker and Redis.</summary>
    public async Task KillAndRestartWorkersAsync()
    {
        await Consumers.KillAsync();
        await Sagas.KillAsync();
        await Consumers.DisposeAsync();
        await Sagas.DisposeAsync();
        Sagas = await RoleProcess.StartAsync("GitLabBus.Sagas.dll", Environment);
        Consumers = await RoleProcess.StartAsync("GitLabBus.Consumers.dll", Environment);
    }

    /// <summary>The gateway's REST API with a token carrying <paramref name="roles"/>.</summary>
    public HttpClient Api(params string[] roles)
    {
        var settings = new GatewaySettings { WebhookSecret = WebhookSecret, JwtSecret = JwtSecret };
        var client = new HttpClient { BaseAddress = new Uri(Gateway.Url) };
        var token = TokenIssuer.Issue(settings, "queue-tester", roles, TimeSpan.FromMinutes(30), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// A merge request into main from a new branch holding <paramref name="files"/>, once its own pipeline passed (so that
    /// admission takes it).
    /// </summary>
    public async Task<long> OpenMergeRequestAsync(string branch, params (string Path, string Content)[] files)
    {
        var commit = new
        {
            branch,
            start_branch = "main",
            commit_message = $"Add {string.Join(", ", files.Select(file => file.Path))}",
            actions = files.Select(file => new
            {
                action = "create",
                file_path = file.Path,
                content = file.Content,
            }),
        };
        (await Root.PostAsJsonAsync("/api/v4/projects/1/repository/commits", commit)).EnsureSuccessStatusCode();
        using var created = await Root.PostAsJsonAsync(
            "/api/v4/projects/1/merge_requests",
            new
            {
                source_branch = branch,
                target_branch = "main",
                title = $"Change on {branch}",
            }
        );
        created.EnsureSuccessStatusCode();
        var iid = (await created.JsonAsync()).GetProperty("iid").GetInt64();
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (await MergeRequestAsync(iid)).GetProperty("head_pipeline") is { ValueKind: JsonValueKind.Object } pipeline
                    && pipeline.GetProperty("status").GetString() == "success",
                TimeSpan.FromSeconds(60)
            ),
            $"the pipeline of !{iid} did not pass"
        );
        return iid;
    }

    public async Task<JsonElement> MergeRequestAsync(long iid) =>
        await Root.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}");

    public async Task<IReadOnlyList<string>> NotesAsync(long iid) =>
        [
            .. (await Root.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}/notes?per_page=100"))
                .EnumerateArray()
                .Select(note => note.GetProperty("body").GetString()!),
        ];

    /// <summary>What the queue left in GitLab: batch branches and open batch merge requests (both should be none).</summary>
    public async Task<(int Branches, int OpenBatchRequests)> LeftoversAsync()
    {
        var branches = (
            await Root.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/repository/branches?per_page=100&search=merge-assist")
        ).GetArrayLength();
        var open = (
            await Root.GetFromJsonAsync<JsonElement>(
                "/api/v4/projects/1/merge_requests?state=opened&per_page=100&labels=Merge%20Assist%3A%20Batch%20Merge%20Request"
            )
        ).GetArrayLength();
        return (branches, open);
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(_simulatorUrl) };
        client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", token);
        return client;
    }
}
