using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Backlog;

/// <summary>
/// The crash the apply is built for: a consumers process killed outright (SIGKILL) while GitLab is creating an issue for
/// it, so GitLab carries out the request after the process that asked is gone and nothing records it. RabbitMQ gives
/// the step to the next consumers process, which finds the unrecorded issue by its mark: every epic and issue exists
/// once, linked as asked.
/// </summary>
public sealed class When_the_consumers_host_dies_in_the_middle_of_an_apply : IAsyncLifetime
{
    private const int Epics = 3;
    private const int Issues = 30;

    private readonly RealInfrastructure _infrastructure = new();
    private readonly string _simulatorUrl = Ports.FreeLoopbackUrl();
    private WebApplication _simulator = null!;
    private WebApplication _sagas = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _gitlab = null!;

    private Dictionary<string, string> ConsumersEnvironment =>
        new()
        {
            ["RABBITMQ_URL"] = _infrastructure.RabbitMqUrl,
            ["REDIS_URL"] = _infrastructure.RedisUrl,
            ["GITLAB_BASE_URL"] = _simulatorUrl,
            ["GITLAB_TOKEN"] = SimulatorOptions.DefaultToken,
            ["GITLAB_RATE_LIMIT_PER_SECOND"] = "0",
            ["APPLY_STEP_LEASE_SECONDS"] = "2",
            ["REDELIVERY_INTERVALS_SECONDS"] = "1,2,4,8",
        };

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = _simulatorUrl });
        _gitlab = new HttpClient { BaseAddress = new Uri(_simulatorUrl) };
        _gitlab.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        _sagas = await _infrastructure.StartSagasHostAsync();
        _gateway = new GatewayFactory()
            .With("RABBITMQ_URL", _infrastructure.RabbitMqUrl)
            .With("REDIS_URL", _infrastructure.RedisUrl)
            .With("GITLAB_BASE_URL", _simulatorUrl)
            .With("GITLAB_TOKEN", SimulatorOptions.DefaultToken)
            .With("APPLY_SYNC_TIMEOUT_SECONDS", "0");
        _gateway.CreateRecordingClient();
        await RunningHosts.WaitHealthyAsync(_gateway.Services);
    }

    public async Task DisposeAsync()
    {
        _gitlab.Dispose();
        await _gateway.DisposeAsync();
        foreach (var host in new[] { _sagas, _simulator })
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_create_every_item_once_after_the_step_moves_to_the_next_process()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var prompt = $"crash-{run}";
        var owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        await using var first = await RoleProcess.StartAsync("GitLabBus.Consumers.dll", ConsumersEnvironment);
        (
            await _gitlab.PostAsJsonAsync(
                "/_sim/faults",
                new
                {
                    latency_ms = 150,
                    count = 100_000,
                    path_prefix = "/api/v4/projects/1/issues",
                }
            )
        ).EnsureSuccessStatusCode();

        using var accepted = await owner.PostAsJsonAsync(
            "/gitlab/projects/1/apply-backlog",
            new
            {
                prompt_id = prompt,
                epics = Enumerable.Range(0, Epics).Select(i => new { title = $"Crash {run} epic {i}" }).ToArray(),
                issues = Enumerable
                    .Range(0, Issues)
                    .Select(i => new { title = $"Crash {run} issue {i}", epic_id = $"new:{i % Epics}" })
                    .ToArray(),
            }
        );
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString();
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () => (await IssuesAsync(run)).Count >= 8, TimeSpan.FromSeconds(60)),
            first.Output
        );
        await first.KillAsync();
        var createdAtKill = (await IssuesAsync(run)).Count;

        // The request the dead process was waiting on is still carried out by GitLab: created, and never recorded.
        var recorded = 0L;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    recorded = await RecordedIssuesAsync(prompt);
                    return (await IssuesAsync(run)).Count > recorded;
                },
                TimeSpan.FromSeconds(5)
            ),
            $"GitLab holds no issue the dead process left unrecorded ({recorded} recorded)"
        );

        await using var second = await RoleProcess.StartAsync("GitLabBus.Consumers.dll", ConsumersEnvironment);
        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (operation = await (await owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                        is "completed"
                            or "failed",
                TimeSpan.FromSeconds(120)
            ),
            second.Output
        );

        Assert.InRange(createdAtKill, 8, Issues - 1);
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        var result = operation.GetProperty("result");
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        var epicIds = result
            .GetProperty("results")
            .GetProperty("epics")
            .EnumerateArray()
            .Select(e => e.GetProperty("id").GetString())
            .ToList();
        var issueResults = result.GetProperty("results").GetProperty("issues").EnumerateArray().ToList();
        Assert.Equal(Epics, epicIds.Count);
        Assert.Equal(Issues, issueResults.Count);
        Assert.All(issueResults, r => Assert.Equal("created", r.GetProperty("action").GetString()));

        var issues = await IssuesAsync(run);
        Assert.Equal(Issues, issues.Count);
        Assert.Equal(Issues, issues.Select(i => i.GetProperty("title").GetString()).Distinct().Count());
        Assert.Equal(issueResults.Select(r => r.GetProperty("id").GetString()).Order(), issues.Select(Id).Order());
        foreach (var issue in issues)
        {
            var index = int.Parse(
                issue.GetProperty("title").GetString()!.Split(' ')[^1],
                System.Globalization.CultureInfo.InvariantCulture
            );
            Assert.Equal(epicIds[index % Epics], Id(issue.GetProperty("epic")));
        }

        var epics = await _gitlab.GetFromJsonAsync<JsonElement>(
            $"/api/v4/groups/1/epics?per_page=100&search={Uri.EscapeDataString($"Crash {run}")}"
        );
        Assert.Equal(Epics, epics.GetArrayLength());
    }

    private async Task<List<JsonElement>> IssuesAsync(string run) =>
        [
            .. (
                await _gitlab.GetFromJsonAsync<JsonElement>(
                    $"/api/v4/projects/1/issues?state=all&per_page=100&search={Uri.EscapeDataString($"Crash {run}")}"
                )
            ).EnumerateArray(),
        ];

    private async Task<long> RecordedIssuesAsync(string prompt)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            $"{TestInfrastructure.RedisEndpoint},defaultDatabase={_infrastructure.RedisDatabase}"
        );
        return await redis.GetDatabase().HashLengthAsync($"gitlabbus:backlog:apply:1:{prompt}:items:issue");
    }

    private static string Id(JsonElement item) =>
        item.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
