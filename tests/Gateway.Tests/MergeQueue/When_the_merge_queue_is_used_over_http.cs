using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.MergeQueue;

/// <summary>The queue's REST API on the embedded gateway and its simulator: what it answers, and what it refuses.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_the_merge_queue_is_used_over_http : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new();
    private HttpClient _owner = null!;
    private HttpClient _manager = null!;
    private HttpClient _viewer = null!;

    public Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _manager = _gateway.ClientWithRoles(Roles.PriorityManager);
        _viewer = _gateway.ClientWithRoles(Roles.Viewer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_show_an_empty_queue_of_the_first_target_branch_to_a_viewer()
    {
        var view = await (await _viewer.GetAsync("/gitlab/projects/1/merge-queue")).JsonAsync();

        Assert.Equal(("main", false), (view.GetProperty("target_branch").GetString(), view.GetProperty("paused").GetBoolean()));
        Assert.Empty(view.GetProperty("entries").EnumerateArray());
        Assert.Empty(view.GetProperty("batches").EnumerateArray());
    }

    [Fact]
    public async Task Should_accept_a_merge_request_as_an_operation_that_admission_ends()
    {
        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = 3 });
        var body = await accepted.JsonAsync();
        var operationId = body.GetProperty("operation_id").GetString();

        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                        is "failed"
                            or "completed",
                TimeSpan.FromSeconds(30)
            )
        );
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(3, body.GetProperty("merge_request_iid").GetInt64());
        Assert.Equal($"/operations/{operationId}", accepted.Headers.Location?.ToString());
        // The demo's !3 is a draft: admission says so.
        Assert.Equal("failed", operation.GetProperty("status").GetString());
        var failure = operation.GetProperty("events").EnumerateArray().Last().GetProperty("data");
        Assert.Equal("conflict", failure.GetProperty("code").GetString());
        Assert.Contains("draft", failure.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_merge_request_whose_target_has_no_queue()
    {
        using var gitlab = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        gitlab.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        (
            await gitlab.PostAsJsonAsync("/api/v4/projects/1/repository/branches", new { branch = "release", @ref = "main" })
        ).EnsureSuccessStatusCode();
        var fix = new
        {
            branch = "release-fix",
            start_branch = "main",
            commit_message = "Fix for the release",
            actions = new[]
            {
                new
                {
                    action = "create",
                    file_path = "RELEASE.md",
                    content = "fixed\n",
                },
            },
        };
        (await gitlab.PostAsJsonAsync("/api/v4/projects/1/repository/commits", fix)).EnsureSuccessStatusCode();
        using var created = await gitlab.PostAsJsonAsync(
            "/api/v4/projects/1/merge_requests",
            new
            {
                source_branch = "release-fix",
                target_branch = "release",
                title = "Discounts for the release",
            }
        );
        var mr = await created.JsonAsync();
        Assert.True(mr.TryGetProperty("iid", out var number), mr.ToString());
        var iid = number.GetInt64();

        using var refused = await _owner.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = iid });

        var error = (await refused.JsonAsync()).GetProperty("error");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (refused.StatusCode, error.GetProperty("code").GetString()));
        Assert.Contains("release", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/gitlab/projects/1/merge-queue", "{}", "merge_request_iid")]
    [InlineData("/gitlab/projects/1/merge-queue", """{"merge_request_iid":0}""", "merge_request_iid")]
    [InlineData("/gitlab/projects/1/merge-queue", """{"merge_request_iid":1,"priority":-1}""", "priority")]
    [InlineData("/gitlab/projects/x/merge-queue", """{"merge_request_iid":1}""", "project_id")]
    public async Task Should_refuse_a_bad_enqueue_naming_what_is_wrong(string path, string json, string named)
    {
        using var refused = await _owner.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var error = (await refused.JsonAsync()).GetProperty("error");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (refused.StatusCode, error.GetProperty("code").GetString()));
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_404_for_a_merge_request_gitlab_does_not_know_and_for_a_priority_of_one_not_queued()
    {
        using var unknown = await _owner.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = 9999 });
        using var notQueued = await _manager.PutAsJsonAsync("/gitlab/projects/1/merge-queue/1/priority", new { priority = 4 });
        using var removedUnknown = await _owner.DeleteAsync("/gitlab/projects/1/merge-queue/9999");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notQueued.StatusCode);
        Assert.Contains(
            "not in the main queue",
            (await notQueued.JsonAsync()).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(HttpStatusCode.NotFound, removedUnknown.StatusCode);
    }

    [Fact]
    public async Task Should_keep_priorities_for_priority_managers_and_admins()
    {
        using var byOwner = await _owner.PutAsJsonAsync("/gitlab/projects/1/merge-queue/1/priority", new { priority = 4 });
        using var byViewer = await _viewer.PutAsJsonAsync("/gitlab/projects/1/merge-queue/1/priority", new { priority = 4 });
        using var enqueueWithPriority = await _owner.PostAsJsonAsync(
            "/gitlab/projects/1/merge-queue",
            new { merge_request_iid = 1, priority = 4 }
        );
        using var byViewerEnqueue = await _viewer.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = 1 });

        Assert.Equal(HttpStatusCode.Forbidden, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, enqueueWithPriority.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byViewerEnqueue.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task Should_refuse_a_history_limit_out_of_range(string limit)
    {
        using var refused = await _viewer.GetAsync($"/gitlab/projects/1/merge-queue/history?limit={limit}");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (refused.StatusCode, await refused.ErrorCodeAsync()));
    }
}
