using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// An organisation's GitLab (a second simulator) sends its pipeline and job hooks to the organisation's webhook endpoint: they
/// start and drive a monitor of the organisation's own, as the served GitLab's hooks drive its monitors. Polls are set ten
/// minutes apart, so only the hooks (and the one poll a final status asks for) can bring it to its end within the test.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisations_pipeline_hooks_reach_its_endpoint : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private const string Org = "acme-hooks";
    private const string Secret = "acme-hooks-webhook-secret-5e4d3c2b";

    private readonly GatewayFactory _gateway = new GatewayFactory()
        .With("PIPELINE_POLL_INTERVAL_SECONDS", "600")
        .With("PIPELINE_POLL_MAX_INTERVAL_SECONDS", "600");

    private readonly SimulatorFixture _orgGitLab;
    private readonly CancellationTokenSource _stop = new();
    private HttpClient _owner = null!;
    private HttpClient _orgApi = null!;

    public When_an_organisations_pipeline_hooks_reach_its_endpoint(SimulatorFixture orgGitLab) => _orgGitLab = orgGitLab;

    public async Task InitializeAsync()
    {
        _owner = _gateway.ClientOf([Roles.ProjectOwner], orgs: [Org]);
        _orgApi = _orgGitLab.ClientAs(SimulatorOptions.DefaultToken);
        (await _orgApi.PostAsJsonAsync("/_sim/clock", new { speed = 100 })).EnsureSuccessStatusCode();
        await _owner.ConfigureGitLabAsync(Org, _orgGitLab.Url, Secret);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _owner.Dispose();
        _orgApi.Dispose();
        await _gateway.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task Should_follow_a_pipeline_it_did_not_start_by_its_hooks()
    {
        var events = _orgGitLab.HookEvents();
        var answers = new List<HttpStatusCode>();
        var forwarding = ForwardPipelineHooksAsync(events, answers);

        using var created = await _orgApi.PostAsync("/api/v4/projects/1/pipeline?ref=main", content: null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pipelineId = (await created.JsonAsync()).GetProperty("id").GetInt64();
        var pipeline = await _owner.MonitorFinishedAsync(
            $"/api/orgs/{Org}/gitlab/projects/1/pipelines/{pipelineId}",
            TimeSpan.FromSeconds(30)
        );
        await _stop.CancelAsync();
        await forwarding;

        var tracked = pipeline.GetProperty("tracked_state");
        Assert.Equal("success", tracked.GetProperty("status").GetString());
        Assert.Equal(PipelineCorrelation.For(1, pipelineId, Org), tracked.GetProperty("correlation_id").GetGuid());
        Assert.True(tracked.GetProperty("webhook_updates").GetInt32() >= 2, $"its hooks drove it: {tracked}");
        // The one poll a final status asks for (which learns the bridges' pipelines); no timer came due.
        Assert.Equal(1, tracked.GetProperty("polls").GetInt32());
        Assert.NotEmpty(answers);
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Accepted, answer));
    }

    /// <summary>What a project hook with pipeline and job events on, pointed at the organisation's endpoint, would send.</summary>
    private async Task ForwardPipelineHooksAsync(
        System.Threading.Channels.ChannelReader<GitLabBus.Simulator.State.SimHookEvent> events,
        List<HttpStatusCode> answers
    )
    {
        using var hooks = _gateway.CreateClient();
        try
        {
            await foreach (var hook in events.ReadAllAsync(_stop.Token))
            {
                if (hook.EventHeader is "Pipeline Hook" or "Job Hook")
                {
                    var body = JsonSerializer.Serialize(hook.Payload);
                    using var answer = await hooks.SendAsync(GitLabDelivery.ForOrganisation(Org, body, hook.EventHeader, Secret));
                    answers.Add(answer.StatusCode);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The monitor finished: the hooks that follow are of no interest.
        }
    }
}
