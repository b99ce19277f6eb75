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
/// An organisation's pipelines under <c>/api/orgs/{org_id}/gitlab/projects/{id}/pipelines</c>: created at its own GitLab (a
/// second simulator, whose pipeline ids are the served one's too) with its token, followed by a monitor of its own that polls
/// that GitLab, and read there.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisations_pipeline_runs_at_its_own_GitLab : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private const string Org = "acme-pipelines";

    private readonly GatewayFactory _gateway = new GatewayFactory()
        .With("PIPELINE_POLL_INTERVAL_SECONDS", "0.2")
        .With("PIPELINE_POLL_MAX_INTERVAL_SECONDS", "0.5");

    private readonly SimulatorFixture _orgGitLab;
    private HttpClient _owner = null!;
    private HttpClient _served = null!;
    private HttpClient _orgApi = null!;

    public When_an_organisations_pipeline_runs_at_its_own_GitLab(SimulatorFixture orgGitLab) => _orgGitLab = orgGitLab;

    public async Task InitializeAsync()
    {
        _owner = _gateway.ClientOf([Roles.ProjectOwner], orgs: [Org]);
        _served = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _orgApi = _orgGitLab.ClientAs(SimulatorOptions.DefaultToken);
        (await _orgApi.PostAsJsonAsync("/_sim/clock", new { speed = 100 })).EnsureSuccessStatusCode();
        await _owner.ConfigureGitLabAsync(Org, _orgGitLab.Url, "acme-webhook-secret-9c8b7a6d");
    }

    public async Task DisposeAsync()
    {
        _owner.Dispose();
        _served.Dispose();
        _orgApi.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Should_create_follow_and_read_the_pipeline_at_the_organisations_GitLab()
    {
        using var accepted = await _owner.PostAsJsonAsync($"/api/orgs/{Org}/gitlab/projects/1/pipelines", new { @ref = "main" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString()!;
        var operation = await _owner.OperationEndedAsync(operationId);
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        var pipelineId = operation.GetProperty("result").GetProperty("pipeline_id").GetInt64();

        var pipeline = await _owner.MonitorFinishedAsync(
            $"/api/orgs/{Org}/gitlab/projects/1/pipelines/{pipelineId}",
            TimeSpan.FromSeconds(30)
        );
        var variables = await _orgApi.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/pipelines/{pipelineId}/variables");
        var jobs = await (await _owner.GetAsync($"/api/orgs/{Org}/gitlab/projects/1/pipelines/{pipelineId}/jobs")).JsonAsync();
        using var trace = await _owner.GetAsync($"/api/orgs/{Org}/gitlab/projects/1/jobs/{jobs[0].GetProperty("id").GetInt64()}/trace");
        using var atServed = await _served.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}");

        var tracked = pipeline.GetProperty("tracked_state");
        Assert.Equal("success", tracked.GetProperty("status").GetString());
        Assert.Equal(PipelineCorrelation.For(1, pipelineId, Org), tracked.GetProperty("correlation_id").GetGuid());
        Assert.NotEqual(PipelineCorrelation.For(1, pipelineId), tracked.GetProperty("correlation_id").GetGuid());
        Assert.True(tracked.GetProperty("polls").GetInt32() > 0);
        Assert.StartsWith(_orgGitLab.Url, pipeline.GetProperty("web_url").GetString(), StringComparison.Ordinal);
        Assert.Contains(variables.EnumerateArray(), v => v.GetProperty("value").GetString() == operationId);
        Assert.Equal(HttpStatusCode.OK, trace.StatusCode);
        // The served GitLab has no pipeline of that id: the organisation's run left it alone.
        Assert.Equal(HttpStatusCode.NotFound, atServed.StatusCode);
    }

    [Fact]
    public async Task Should_keep_an_organisations_pipeline_operation_from_a_caller_of_another_organisation()
    {
        using var accepted = await _owner.PostAsJsonAsync($"/api/orgs/{Org}/gitlab/projects/1/pipelines", new { @ref = "main" });
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString()!;
        await _owner.OperationEndedAsync(operationId);
        using var stranger = _gateway.ClientOf([Roles.ProjectOwner], orgs: ["globex"]);

        using var seen = await stranger.GetAsync($"/operations/{operationId}");
        using var triggered = await stranger.PostAsJsonAsync($"/api/orgs/{Org}/gitlab/projects/1/pipelines", new { @ref = "main" });

        Assert.Equal(HttpStatusCode.NotFound, seen.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, triggered.StatusCode);
    }
}
