using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Integration.Pipelines;

/// <summary>
/// The distributed shape on real RabbitMQ and Redis: a gateway, a consumers host and a sagas host, against a GitLab
/// simulator on a fast clock. The monitor's polls and timers go through the durable scheduler, its instance and
/// journal live in Redis, and the gateway reads the tracked state from there.
/// </summary>
public sealed class When_a_pipeline_is_followed_on_real_infrastructure : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private readonly string _simulatorUrl = Ports.FreeLoopbackUrl();
    private WebApplication _simulator = null!;
    private WebApplication _consumers = null!;
    private WebApplication _sagas = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _owner = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = _simulatorUrl });
        using (var admin = new HttpClient { BaseAddress = new Uri(_simulatorUrl) })
        {
            (await admin.PostAsJsonAsync("/_sim/clock", new { speed = 100 })).EnsureSuccessStatusCode();
            (
                await admin.PostAsJsonAsync("/_sim/pipelines/settings", new { child_stage = "test", child_stages = new[] { "unit" } })
            ).EnsureSuccessStatusCode();
        }

        string[] gitlab =
        [
            $"--GITLAB_BASE_URL={_simulatorUrl}",
            $"--GITLAB_TOKEN={SimulatorOptions.DefaultToken}",
            "--GITLAB_RATE_LIMIT_PER_SECOND=0",
        ];
        _consumers = await _infrastructure.StartConsumersHostAsync(gitlab);
        _sagas = await _infrastructure.StartSagasHostAsync(
            "--PIPELINE_POLL_INTERVAL_SECONDS=0.3",
            "--PIPELINE_POLL_MAX_INTERVAL_SECONDS=1"
        );
        _gateway = new GatewayFactory()
            .With("RABBITMQ_URL", _infrastructure.RabbitMqUrl)
            .With("REDIS_URL", _infrastructure.RedisUrl)
            .With("GITLAB_BASE_URL", _simulatorUrl)
            .With("GITLAB_TOKEN", SimulatorOptions.DefaultToken);
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        await RunningHosts.WaitHealthyAsync(_gateway.Services);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        foreach (var host in new[] { _sagas, _consumers, _simulator })
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_trigger_a_pipeline_and_follow_it_and_its_child_to_the_end()
    {
        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = "main" });
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString();
        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                    == "completed",
                TimeSpan.FromSeconds(30)
            )
        );
        var pipelineId = operation.GetProperty("result").GetProperty("pipeline_id").GetInt64();

        var pipeline = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    pipeline = await (await _owner.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}")).JsonAsync();
                    return pipeline.TryGetProperty("tracked_state", out var tracked)
                        && tracked.ValueKind == JsonValueKind.Object
                        && tracked.GetProperty("state").GetString() == "Finished";
                },
                TimeSpan.FromSeconds(60)
            ),
            $"the monitor did not finish: {pipeline}"
        );
        var tracked = pipeline.GetProperty("tracked_state");
        var correlationId = tracked.GetProperty("correlation_id").GetString();
        using var replay = await _owner.PostAsync($"/sagas/pipeline-monitor/{correlationId}/replay", null);

        Assert.Equal("success", tracked.GetProperty("status").GetString());
        Assert.True(tracked.GetProperty("polls").GetInt32() >= 1);
        Assert.Equal("success", Assert.Single(tracked.GetProperty("downstream").EnumerateArray()).GetProperty("status").GetString());
        var replayed = await replay.JsonAsync();
        Assert.True(replayed.GetProperty("end_state_matches").GetBoolean(), replayed.ToString());
    }
}
