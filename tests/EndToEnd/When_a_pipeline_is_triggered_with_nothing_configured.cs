using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// The quick start's pipelines: the gateway process triggers a pipeline in its simulator, whose webhooks come back
/// through the gateway and drive the monitor (its polls wait 30 s by default, longer than this pipeline takes).
/// </summary>
public sealed class When_a_pipeline_is_triggered_with_nothing_configured : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;

    public When_a_pipeline_is_triggered_with_nothing_configured(GatewayProcess gateway) => _gateway = gateway;

    [Fact]
    public async Task Should_follow_it_to_success_on_gitlabs_webhooks()
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        (await simulator.PostAsJsonAsync("/_sim/clock", new { speed = 20 })).EnsureSuccessStatusCode();
        using var gateway = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.AdminToken);

        using var accepted = await gateway.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = "main" });
        var operationId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operation_id").GetString();
        var pipelineId = 0L;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    var operation = await gateway.GetFromJsonAsync<JsonElement>($"/operations/{operationId}");
                    return operation.GetProperty("status").GetString() == "completed"
                        && (pipelineId = operation.GetProperty("result").GetProperty("pipeline_id").GetInt64()) > 0;
                },
                TimeSpan.FromSeconds(30)
            )
        );

        var tracked = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    tracked = (await gateway.GetFromJsonAsync<JsonElement>($"/gitlab/projects/1/pipelines/{pipelineId}")).GetProperty(
                        "tracked_state"
                    );
                    return tracked.ValueKind == JsonValueKind.Object && tracked.GetProperty("state").GetString() == "Finished";
                },
                TimeSpan.FromSeconds(25)
            ),
            $"the monitor did not finish: {tracked}"
        );

        Assert.Equal("success", tracked.GetProperty("status").GetString());
        Assert.True(tracked.GetProperty("webhook_updates").GetInt32() >= 6, $"webhooks drove it: {tracked}");
        Assert.Equal(1, tracked.GetProperty("polls").GetInt32());
    }
}
