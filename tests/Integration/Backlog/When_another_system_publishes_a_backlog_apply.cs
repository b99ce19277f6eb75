using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Backlog;

/// <summary>
/// Another system publishes a raw JSON <see cref="BacklogApplyRequested"/> to its exchange with a plain AMQP client: the
/// sagas and consumers hosts apply it to GitLab, the operation in Redis ends with the seed's response, and
/// <see cref="BacklogApplied"/> is published. A raw message breaking the rules ends in the saga's error queue with the reason.
/// </summary>
public sealed class When_another_system_publishes_a_backlog_apply : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private readonly string _simulatorUrl = Ports.FreeLoopbackUrl();
    private WebApplication _simulator = null!;
    private WebApplication _consumers = null!;
    private WebApplication _sagas = null!;
    private EventProbe _probe = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = _simulatorUrl });
        _consumers = await _infrastructure.StartConsumersHostAsync(
            $"--GITLAB_BASE_URL={_simulatorUrl}",
            $"--GITLAB_TOKEN={SimulatorOptions.DefaultToken}",
            "--GITLAB_RATE_LIMIT_PER_SECOND=0"
        );
        _sagas = await _infrastructure.StartSagasHostAsync();
        _probe = await EventProbe.StartAsync(_infrastructure.VirtualHost);
    }

    public async Task DisposeAsync()
    {
        await _probe.DisposeAsync();
        foreach (var host in new[] { _sagas, _consumers, _simulator })
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        await _infrastructure.DisposeAsync();
    }

    [Theory]
    [InlineData(
        """
            {"operationId":"{op}","projectId":"1","promptId":"{prompt}","epics":[{"title":"Interop epic"}],
             "issues":[{"title":"Interop issue","labels":["bug"],"epicId":"new:0"}]}
            """
    )]
    [InlineData(
        """
            {"OperationId":"{op}","ProjectId":"demo/shop","PromptId":"{prompt}","Epics":[{"Title":"Interop epic"}],
             "Issues":[{"Title":"Interop issue","Labels":["bug"],"EpicId":"new:0"}]}
            """
    )]
    public async Task Should_apply_it_and_announce_the_result_on_the_bus_and_in_the_operation(string template)
    {
        var operationId = Guid.NewGuid();
        await _infrastructure.PublishRawAsync(
            "GitLabBus.Contracts:BacklogApplyRequested",
            template.Replace("{op}", operationId.ToString()).Replace("{prompt}", $"interop-{operationId:N}")
        );

        var applied = (BacklogApplied)
            ((ConsumeContext<BacklogApplied>)await _probe.EventFor(operationId, TimeSpan.FromSeconds(60))).Message;
        var operation = await OperationAsync(operationId.ToString());

        Assert.Equal("created", Assert.Single(applied.Epics).Action);
        var issue = Assert.Single(applied.Issues);
        Assert.Equal("created", issue.Action);
        Assert.Equal((OperationKinds.ApplyBacklog, "completed"), (operation.Kind, operation.Status));
        Assert.Equal(issue.Id, operation.Result!.Value.GetProperty("results").GetProperty("issues")[0].GetProperty("id").GetString());
        using var gitlab = new HttpClient { BaseAddress = new Uri(_simulatorUrl) };
        gitlab.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        var stored = (await gitlab.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/issues?state=all&per_page=100"))
            .EnumerateArray()
            .Single(i => i.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == issue.Id);
        Assert.Equal(
            applied.Epics[0].Id,
            stored.GetProperty("epic").GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
    }

    [Fact]
    public async Task Should_put_a_raw_message_breaking_the_rules_in_the_sagas_error_queue_with_the_reason_without_retrying()
    {
        var operationId = Guid.NewGuid().ToString();
        await _infrastructure.PublishRawAsync(
            "GitLabBus.Contracts:BacklogApplyRequested",
            $$"""
            {"operationId":"{{operationId}}","projectId":"1","promptId":"bad-{{operationId}}",
             "issues":[{"title":"Linked to nothing","epicId":"new:3"}]}
            """
        );

        var faulted = await _infrastructure.ReadErrorQueueAsync("backlog-apply-state_error", operationId);

        Assert.Contains("issues[0].epic_id", faulted.Reason, StringComparison.Ordinal);
        Assert.True(
            faulted.RetryCount is null or "0",
            $"an invalid message must not be retried (MT-Fault-RetryCount={faulted.RetryCount})"
        );
    }

    private async Task<OperationView> OperationAsync(string operationId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            $"{TestInfrastructure.RedisEndpoint},defaultDatabase={_infrastructure.RedisDatabase}"
        );
        var progress = new RedisOperationProgress(redis, TimeProvider.System);
        OperationView? view = null;
        Assert.True(
            await GitLabBus.Tests.TestSupport.Gateway.GitLabDelivery.EventuallyAsync(async () =>
                (view = OperationView.From(operationId, await progress.ReadAsync(operationId, CancellationToken.None))).Status
                == "completed"
            )
        );
        return view!;
    }
}
