using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Pipelines;

/// <summary>
/// <c>GitLab-Access-Token</c> makes the work run with the caller's token, and a trigger token makes the pipeline go
/// through GitLab's trigger API; neither token ever appears in a message, a log line or an answer.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_pipelines_act_as_the_caller : IAsyncLifetime
{
    private const string CallerToken = "glpat-caller-0123456789abcdef";
    private const string RefusedToken = "glpat-unknown-to-gitlab-5555";

    private readonly GatewayFactory _gateway = new GatewayFactory()
        .With("SIMULATOR_TOKENS", $"glpat-simulator-root,{CallerToken}")
        .With("PIPELINE_POLL_INTERVAL_SECONDS", "0.2");

    private ConcurrentQueue<string> _messages = null!;
    private HttpClient _owner = null!;
    private HttpClient _simulator = null!;

    public async Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _messages = _gateway.RecordMessages();
        _simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        _simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", "glpat-simulator-root");
        (await _simulator.PostAsJsonAsync("/_sim/clock", new { speed = 100 })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _simulator.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Should_create_the_pipeline_with_the_callers_token()
    {
        var operation = await TriggerAsync(new { @ref = "main" }, CallerToken);
        using var read = await SendAsync(
            HttpMethod.Get,
            $"/gitlab/projects/1/pipelines/{operation.GetProperty("result").GetProperty("pipeline_id").GetInt64()}",
            CallerToken
        );

        Assert.Equal("completed", operation.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        AssertNowhere(CallerToken);
        Assert.Contains(_messages, message => message.Contains("\"cred_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_answer_gitlabs_refusal_of_a_token_it_does_not_know_rather_than_fall_back_to_the_service_token()
    {
        var operation = await TriggerAsync(new { @ref = "main" }, RefusedToken);
        using var read = await SendAsync(HttpMethod.Get, "/gitlab/projects/1/environments", RefusedToken);

        Assert.Equal("failed", operation.GetProperty("status").GetString());
        Assert.Equal(
            401,
            operation.GetProperty("events").EnumerateArray().Last().GetProperty("data").GetProperty("gitlab_status").GetInt32()
        );
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(401, (await read.JsonAsync()).GetProperty("error").GetProperty("gitlab_status").GetInt32());
        AssertNowhere(RefusedToken);
    }

    [Fact]
    public async Task Should_create_the_pipeline_through_the_trigger_api_with_a_trigger_token()
    {
        var trigger = (
            await (await _simulator.PostAsJsonAsync("/api/v4/projects/1/triggers", new { description = "gitlabbus" })).JsonAsync()
        )
            .GetProperty("token")
            .GetString()!;

        var operation = await TriggerAsync(
            new
            {
                @ref = "main",
                trigger_token = trigger,
                variables = new[] { new { key = "FROM", value = "trigger" } },
            }
        );
        var pipelineId = operation.GetProperty("result").GetProperty("pipeline_id").GetInt64();
        var pipeline = await _simulator.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/pipelines/{pipelineId}");
        var variables = await _simulator.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/pipelines/{pipelineId}/variables");
        using var fileVariable = await _owner.PostAsJsonAsync(
            "/gitlab/projects/1/pipelines",
            new
            {
                @ref = "main",
                trigger_token = trigger,
                variables = new[]
                {
                    new
                    {
                        key = "CERT",
                        value = "x",
                        variable_type = "file",
                    },
                },
            }
        );

        Assert.Equal("trigger", pipeline.GetProperty("source").GetString());
        Assert.Contains(variables.EnumerateArray(), v => v.GetProperty("key").GetString() == "FROM");
        Assert.Equal(HttpStatusCode.BadRequest, fileVariable.StatusCode);
        AssertNowhere(trigger);
    }

    private void AssertNowhere(string secret)
    {
        Assert.DoesNotContain(_messages, message => message.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_gateway.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    private async Task<JsonElement> TriggerAsync(object body, string? callerToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/gitlab/projects/1/pipelines") { Content = JsonContent.Create(body) };
        if (callerToken is not null)
        {
            request.Headers.Add(CallerCredential.Header, callerToken);
        }

        using var accepted = await _owner.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return await _owner.OperationEndedAsync((await accepted.JsonAsync()).GetProperty("operation_id").GetString()!);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string callerToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(CallerCredential.Header, callerToken);
        return _owner.SendAsync(request);
    }
}
