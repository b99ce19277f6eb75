using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Pipelines;

/// <summary>
/// The pipelines API end to end in embedded mode: the gateway, its consumers and its monitor saga, and its own GitLab
/// simulator on a fast clock. No webhook reaches an in-memory test server, so here the monitor follows by polling.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_pipelines_are_driven_through_the_gateway : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new GatewayFactory()
        .With("PIPELINE_POLL_INTERVAL_SECONDS", "0.2")
        .With("PIPELINE_POLL_MAX_INTERVAL_SECONDS", "0.5")
        .With("RETRY_BACKOFF_FACTOR", "0.05")
        .With("ARTIFACT_CHUNK_BYTES", "100");

    private HttpClient _owner = null!;
    private HttpClient _simulator = null!;

    public async Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        await SimulatorAsync("/_sim/clock", new { speed = 100 });
    }

    public async Task DisposeAsync()
    {
        _simulator.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Should_trigger_a_pipeline_and_track_it_to_success()
    {
        await SettingsAsync();
        using var accepted = await _owner.PostAsJsonAsync(
            "/gitlab/projects/1/pipelines",
            new
            {
                @ref = "main",
                variables = new[]
                {
                    new
                    {
                        key = "DEPLOY_TARGET",
                        value = "staging",
                        variable_type = "env_var",
                    },
                },
            }
        );
        var operation = await accepted.JsonAsync();
        var pipelineId = await PipelineOfAsync(operation.GetProperty("operation_id").GetString()!);

        var pipeline = await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");
        var variables = await _simulator.GetFromJsonAsync<JsonElement>(
            $"/api/v4/projects/1/pipelines/{pipelineId}/variables?private_token=glpat-simulator-root"
        );

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal($"/operations/{operation.GetProperty("operation_id").GetString()}", accepted.Headers.Location?.OriginalString);
        Assert.Equal("success", pipeline.GetProperty("status").GetString());
        var tracked = pipeline.GetProperty("tracked_state");
        Assert.Equal("success", tracked.GetProperty("status").GetString());
        Assert.Equal(
            ["build", "test", "deploy"],
            tracked.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("name").GetString())
        );
        Assert.All(tracked.GetProperty("jobs").EnumerateArray(), job => Assert.Equal("success", job.GetProperty("status").GetString()));
        Assert.Contains(
            variables.EnumerateArray(),
            v => v.GetProperty("key").GetString() == "DEPLOY_TARGET" && v.GetProperty("value").GetString() == "staging"
        );
    }

    [Fact]
    public async Task Should_track_a_failed_pipeline_and_follow_it_again_after_its_failed_job_is_retried()
    {
        await SettingsAsync();
        await SimulatorAsync(
            "/_sim/pipelines/outcome",
            new
            {
                project_id = 1,
                @ref = "main",
                status = "failed",
            }
        );
        var pipelineId = await TriggerAsync("main");
        var failed = await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");
        var jobs = await (await _owner.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}/jobs")).JsonAsync();
        var failedJob = jobs.EnumerateArray().Single(job => job.GetProperty("status").GetString() == "failed");
        var passedJob = jobs.EnumerateArray().First(job => job.GetProperty("status").GetString() == "success");

        using var notRetryable = await _owner.PostAsync($"/gitlab/projects/1/jobs/{passedJob.GetProperty("id").GetInt64()}/play", null);
        using var retried = await _owner.PostAsync($"/gitlab/projects/1/jobs/{failedJob.GetProperty("id").GetInt64()}/retry", null);
        var recovered = await TrackedAsync(pipelineId, tracked => tracked.GetProperty("status").GetString() == "success");
        using var nothingToRetry = await _owner.PostAsync($"/gitlab/projects/1/pipelines/{pipelineId}/retry", null);

        Assert.Equal("failed", failed.GetProperty("tracked_state").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, notRetryable.StatusCode);
        Assert.Equal(403, (await notRetryable.JsonAsync()).GetProperty("error").GetProperty("gitlab_status").GetInt32());

        // GitLab's 403 for a pipeline with nothing to retry is the same refusal as for a job: a state conflict.
        Assert.Equal(HttpStatusCode.Conflict, nothingToRetry.StatusCode);
        Assert.Equal(403, (await nothingToRetry.JsonAsync()).GetProperty("error").GetProperty("gitlab_status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("success", recovered.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_finish_a_parent_pipeline_only_when_its_child_pipeline_has()
    {
        await SettingsAsync(childStage: "test");
        var parentId = await TriggerAsync("main");

        var parent = await TrackedAsync(parentId, tracked => tracked.GetProperty("state").GetString() == "Finished");
        var downstream = Assert.Single(parent.GetProperty("tracked_state").GetProperty("downstream").EnumerateArray());
        var child = await TrackedAsync(
            downstream.GetProperty("pipeline_id").GetInt64(),
            tracked => tracked.GetProperty("state").GetString() == "Finished"
        );

        Assert.Equal("success", parent.GetProperty("tracked_state").GetProperty("status").GetString());
        Assert.Equal("success", downstream.GetProperty("status").GetString());
        Assert.Equal("trigger-child", downstream.GetProperty("bridge_name").GetString());
        Assert.Equal("parent_pipeline", child.GetProperty("source").GetString());
        Assert.True(parent.GetProperty("finished_at").GetDateTimeOffset() >= child.GetProperty("finished_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Should_cancel_a_running_pipeline()
    {
        await SettingsAsync(jobDurationSeconds: 36_000);
        var pipelineId = await TriggerAsync("main");
        await TrackedAsync(pipelineId, tracked => tracked.GetProperty("status").GetString() == "running");

        using var canceled = await _owner.PostAsync($"/gitlab/projects/1/pipelines/{pipelineId}/cancel", null);
        var pipeline = await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");

        Assert.Equal(HttpStatusCode.OK, canceled.StatusCode);
        Assert.Equal("canceled", pipeline.GetProperty("tracked_state").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_play_a_manual_job_and_see_the_pipeline_through()
    {
        await SettingsAsync(manualJobs: ["deploy"]);
        var pipelineId = await TriggerAsync("main");
        await TrackedAsync(
            pipelineId,
            tracked => tracked.GetProperty("jobs").EnumerateArray().Any(job => job.GetProperty("status").GetString() == "manual")
        );
        var deploy = (await (await _owner.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}/jobs")).JsonAsync())
            .EnumerateArray()
            .Single(job => job.GetProperty("name").GetString() == "deploy");

        using var played = await _owner.PostAsync($"/gitlab/projects/1/jobs/{deploy.GetProperty("id").GetInt64()}/play", null);
        var pipeline = await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");

        Assert.Equal(HttpStatusCode.OK, played.StatusCode);
        Assert.Equal("success", pipeline.GetProperty("tracked_state").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_tail_a_job_log_across_offsets()
    {
        await SettingsAsync();
        var pipelineId = await TriggerAsync("main");
        await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");
        var job = (await (await _owner.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}/jobs")).JsonAsync())
            .EnumerateArray()
            .First()
            .GetProperty("id")
            .GetInt64();

        using var whole = await _owner.GetAsync($"/gitlab/projects/1/jobs/{job}/trace");
        var text = await whole.Content.ReadAsStringAsync();
        var end = long.Parse(whole.Headers.GetValues("X-Trace-Offset").Single());
        using var tail = await _owner.GetAsync($"/gitlab/projects/1/jobs/{job}/trace?offset=20");
        using var nothingNew = await _owner.GetAsync($"/gitlab/projects/1/jobs/{job}/trace?offset={end}");
        using var plain = await _owner.GetAsync($"/gitlab/projects/1/jobs/{job}/trace?strip_ansi=true");
        using var negative = await _owner.GetAsync($"/gitlab/projects/1/jobs/{job}/trace?offset=-1");

        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), end);
        Assert.Contains('\u001b', text);
        Assert.Equal(
            System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)[20..]),
            await tail.Content.ReadAsStringAsync()
        );
        Assert.Equal("", await nothingNew.Content.ReadAsStringAsync());
        Assert.Equal("true", nothingNew.Headers.GetValues("X-Job-Complete").Single());
        Assert.DoesNotContain('\u001b', await plain.Content.ReadAsStringAsync());
        Assert.Contains("Job succeeded", await plain.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    [Fact]
    public async Task Should_count_pipelines_and_jobs_in_the_seeds_metrics()
    {
        await SettingsAsync();
        var pipelineId = await TriggerAsync("main");
        await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");

        var metrics = "";
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (metrics = await _owner.GetStringAsync("/metrics")).Contains("gitlab_pipelines_completed_total{", StringComparison.Ordinal)
            )
        );

        Assert.Contains("gitlab_pipelines_triggered_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("status=\"success\"", metrics, StringComparison.Ordinal);
        Assert.Contains("gitlab_pipeline_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("gitlab_jobs_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("gitlab_job_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("gitlab_rate_limit_remaining ", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_stream_artifacts_through_piece_by_piece_unchanged()
    {
        await SettingsAsync();
        var pipelineId = await TriggerAsync("main");
        await TrackedAsync(pipelineId, tracked => tracked.GetProperty("state").GetString() == "Finished");
        var build = (await (await _owner.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}/jobs")).JsonAsync())
            .EnumerateArray()
            .Single(job => job.GetProperty("name").GetString() == "build")
            .GetProperty("id")
            .GetInt64();
        _simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", "glpat-simulator-root");

        using var archive = await _owner.GetAsync($"/gitlab/projects/1/jobs/{build}/artifacts");
        var direct = await _simulator.GetByteArrayAsync($"/api/v4/projects/1/jobs/{build}/artifacts");
        using var file = await _owner.GetAsync($"/gitlab/projects/1/jobs/{build}/artifacts/build/output.txt");
        using var missing = await _owner.GetAsync($"/gitlab/projects/1/jobs/{build}/artifacts/no/such/file");

        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        Assert.True(direct.Length > 300, "the archive should need several 100-byte pieces");
        Assert.Equal(direct, await archive.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/zip", archive.Content.Headers.ContentType?.MediaType);
        Assert.Equal(direct.Length, archive.Content.Headers.ContentLength);
        Assert.StartsWith($"output of build (job {build})", await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("{\"ref\":\"\"}", "ref must name a branch or tag")]
    [InlineData("{\"ref\":\"main..x\"}", "not a valid branch or tag name")]
    [InlineData("{\"ref\":\"main\",\"variables\":[{\"key\":\"A B\",\"value\":\"1\"}]}", "variable key 'A B'")]
    [InlineData(
        "{\"ref\":\"main\",\"variables\":[{\"key\":\"A\",\"value\":\"1\",\"variable_type\":\"secret\"}]}",
        "variable_type must be env_var or file"
    )]
    [InlineData("{\"ref\":\"main\",\"variables\":[{\"key\":\"A\"}]}", "needs a value")]
    [InlineData("{\"ref\":\"main\",\"variables\":[null]}", "variables must be objects")]
    public async Task Should_refuse_an_invalid_trigger_request(string body, string reason)
    {
        using var response = await _owner.PostAsync(
            "/gitlab/projects/1/pipelines",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json")
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_the_operation_with_gitlabs_refusal_of_an_unknown_ref()
    {
        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = "no-such-branch" });
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString()!;

        var operation = await _owner.OperationEndedAsync(operationId);

        Assert.Equal("failed", operation.GetProperty("status").GetString());
        var failure = operation.GetProperty("events").EnumerateArray().Last().GetProperty("data");
        Assert.Equal("invalid_request", failure.GetProperty("code").GetString());
        Assert.Equal(400, failure.GetProperty("gitlab_status").GetInt32());
    }

    [Fact]
    public async Task Should_answer_gitlabs_not_found_and_refuse_malformed_ids()
    {
        using var missing = await _owner.GetAsync("/gitlab/projects/1/pipelines/987654");
        using var malformed = await _owner.GetAsync("/gitlab/projects/demo/pipelines/1");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(404, (await missing.JsonAsync()).GetProperty("error").GetProperty("gitlab_status").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Should_let_viewers_read_but_not_trigger()
    {
        var viewer = _gateway.ClientWithRoles(Roles.Viewer);

        using var trigger = await viewer.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = "main" });
        using var environments = await viewer.GetAsync("/gitlab/projects/1/environments");

        Assert.Equal(HttpStatusCode.Forbidden, trigger.StatusCode);
        Assert.Equal(HttpStatusCode.OK, environments.StatusCode);
    }

    [Fact]
    public async Task Should_absorb_a_rate_limit_storm_while_monitoring()
    {
        await SettingsAsync();
        var pipelineId = await TriggerAsync("main");
        await SimulatorAsync(
            "/_sim/faults",
            new
            {
                status = 429,
                count = 4,
                path_prefix = $"/api/v4/projects/1/pipelines/{pipelineId}",
                retry_after = 1,
            }
        );

        var pipeline = await TrackedAsync(
            pipelineId,
            tracked => tracked.GetProperty("state").GetString() == "Finished",
            TimeSpan.FromSeconds(60)
        );
        var faults = await _simulator.GetFromJsonAsync<JsonElement>("/_sim/faults");

        Assert.Equal("success", pipeline.GetProperty("tracked_state").GetProperty("status").GetString());
        Assert.Equal(0, faults.GetProperty("remaining_requests").GetInt32());
    }

    private async Task SettingsAsync(int jobDurationSeconds = 10, string[]? manualJobs = null, string childStage = "") =>
        await SimulatorAsync(
            "/_sim/pipelines/settings",
            new
            {
                stages = new[] { "build", "test", "deploy" },
                job_duration_seconds = jobDurationSeconds,
                manual_jobs = manualJobs ?? [],
                child_stage = childStage,
                child_stages = new[] { "unit", "lint" },
            }
        );

    private async Task SimulatorAsync(string path, object body)
    {
        using var response = await _simulator.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    private async Task<long> TriggerAsync(string gitRef)
    {
        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = gitRef });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return await PipelineOfAsync((await accepted.JsonAsync()).GetProperty("operation_id").GetString()!);
    }

    private async Task<long> PipelineOfAsync(string operationId)
    {
        var operation = await _owner.OperationEndedAsync(operationId);
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        return operation.GetProperty("result").GetProperty("pipeline_id").GetInt64();
    }

    /// <summary>The pipeline through the gateway once its tracked state satisfies <paramref name="done"/>.</summary>
    private async Task<JsonElement> TrackedAsync(long pipelineId, Func<JsonElement, bool> done, TimeSpan? within = null)
    {
        var pipeline = default(JsonElement);
        var satisfied = await GitLabDelivery.EventuallyAsync(
            async () =>
            {
                pipeline = await (await _owner.GetAsync($"/gitlab/projects/1/pipelines/{pipelineId}")).JsonAsync();
                return pipeline.TryGetProperty("tracked_state", out var tracked)
                    && tracked.ValueKind == JsonValueKind.Object
                    && done(tracked);
            },
            within ?? TimeSpan.FromSeconds(30)
        );
        Assert.True(satisfied, $"pipeline {pipelineId} never got there: {pipeline}");
        return pipeline;
    }
}
