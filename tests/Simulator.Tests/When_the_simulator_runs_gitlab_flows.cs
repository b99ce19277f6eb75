using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GitLabBus.Tests.Simulator;

/// <summary>Contract tests: GitLab's statuses, headers and webhook deliveries, and pipelines on a fast clock.</summary>
public sealed class When_the_simulator_runs_gitlab_flows : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();
    private readonly Channel<(IHeaderDictionary Headers, JsonElement Body)> _deliveries = Channel.CreateUnbounded<(
        IHeaderDictionary,
        JsonElement
    )>();
    private WebApplication _receiver = null!;
    private string _receiverUrl = "";

    public async Task InitializeAsync()
    {
        await _gitlab.InitializeAsync();
        _receiverUrl = Ports.FreeLoopbackUrl();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_receiverUrl);
        _receiver = builder.Build();
        _receiver.MapPost(
            "/hook",
            async (HttpContext http) =>
            {
                var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
                await _deliveries.Writer.WriteAsync((new HeaderDictionary(http.Request.Headers.ToDictionary()), body));
                return Results.Ok();
            }
        );
        await _receiver.StartAsync();
        await _gitlab.Admin.PostAsJsonAsync("/_sim/clock", new { speed = 200 });
    }

    public async Task DisposeAsync()
    {
        await _receiver.StopAsync();
        await _receiver.DisposeAsync();
        await _gitlab.DisposeAsync();
    }

    [Fact]
    public async Task Should_start_the_demo_at_rest_with_every_pipeline_passed()
    {
        var pipelines = await _gitlab.Admin.GetFromJsonAsync<JsonElement[]>(
            "/api/v4/projects/1/pipelines?per_page=100&private_token=glpat-simulator-root"
        );

        Assert.True(pipelines!.Length >= 4, $"{pipelines.Length} pipelines: main's and one per merge request");
        Assert.All(pipelines, pipeline => Assert.Equal("success", pipeline.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Should_count_api_requests_per_user_until_reset()
    {
        using var root = new HttpClient { BaseAddress = new Uri(_gitlab.Url) };
        root.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        (await _gitlab.Admin.DeleteAsync("/_sim/requests")).EnsureSuccessStatusCode();

        await root.GetAsync("/api/v4/projects/1");
        await root.GetAsync("/api/v4/projects/1/merge_requests");
        await _gitlab.Admin.GetAsync("/api/v4/projects/1");
        var counted = await _gitlab.Admin.GetFromJsonAsync<JsonElement>("/_sim/requests");
        (await _gitlab.Admin.DeleteAsync("/_sim/requests")).EnsureSuccessStatusCode();
        var reset = await _gitlab.Admin.GetFromJsonAsync<JsonElement>("/_sim/requests");

        Assert.Equal(2, counted.GetProperty("by_user").GetProperty("root").GetInt64());
        Assert.Equal(2, counted.GetProperty("total").GetInt64());
        Assert.Equal(0, reset.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Should_say_binary_files_differ_as_gitlab_does_instead_of_a_text_diff()
    {
        using var root = new HttpClient { BaseAddress = new Uri(_gitlab.Url) };
        root.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        var commit = new
        {
            branch = "logo",
            start_branch = "main",
            commit_message = "Add a logo",
            actions = new[]
            {
                new
                {
                    action = "create",
                    file_path = "web/logo.png",
                    content = "iVBORw0KGgoAAAANSUhEUgAAAAE=",
                    encoding = "base64",
                },
            },
        };
        (await root.PostAsJsonAsync("/api/v4/projects/1/repository/commits", commit)).EnsureSuccessStatusCode();
        using var created = await root.PostAsJsonAsync(
            "/api/v4/projects/1/merge_requests",
            new
            {
                source_branch = "logo",
                target_branch = "main",
                title = "Logo",
            }
        );
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var iid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iid").GetInt64();

        var diffs = await root.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/diffs");

        var diff = Assert.Single(diffs!);
        Assert.Equal("Binary files /dev/null and b/web/logo.png differ\n", diff.GetProperty("diff").GetString());
        Assert.True(diff.GetProperty("new_file").GetBoolean());
    }

    [Fact]
    public async Task Should_deliver_an_issue_hook_with_gitlabs_headers_and_payload()
    {
        var client = _gitlab.Client();
        await client.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook") { Token = "hook-secret" }, CancellationToken.None);

        var issue = await client.CreateIssueAsync(1, new NewGitLabIssue("Hooked issue") { Labels = "bug" }, CancellationToken.None);
        var (headers, body) = await NextAsync(delivery => delivery.Body.GetProperty("object_kind").GetString() == "issue");

        Assert.Equal("Issue Hook", headers["X-Gitlab-Event"]);
        Assert.Equal("application/json", headers.ContentType);
        Assert.Equal("hook-secret", headers["X-Gitlab-Token"]);
        Assert.True(Guid.TryParse(headers["Idempotency-Key"], out _));
        Assert.True(Guid.TryParse(headers["X-Gitlab-Event-UUID"], out _));
        Assert.True(Guid.TryParse(headers["X-Gitlab-Webhook-UUID"], out _));
        Assert.Equal(_gitlab.Url, headers["X-Gitlab-Instance"]);
        Assert.Equal(issue.Iid, body.GetProperty("object_attributes").GetProperty("iid").GetInt64());
        Assert.Equal("open", body.GetProperty("object_attributes").GetProperty("action").GetString());
        Assert.Equal(1, body.GetProperty("project").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Should_deliver_a_note_hook_for_a_comment_on_an_issue()
    {
        var client = _gitlab.Client();
        await client.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);
        var issue = await client.CreateIssueAsync(1, new NewGitLabIssue("To be discussed"), CancellationToken.None);
        using var http = AuthorisedHttp(GitLabBus.Simulator.SimulatorOptions.DeveloperToken);

        using var posted = await http.PostAsJsonAsync(
            $"/api/v4/projects/1/issues/{issue.Iid}/notes",
            new { body = "Looks like a duplicate" }
        );
        using var empty = await http.PostAsJsonAsync($"/api/v4/projects/1/issues/{issue.Iid}/notes", new { body = "" });
        var (headers, body) = await NextAsync(delivery => delivery.Body.GetProperty("object_kind").GetString() == "note");

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal("{\"error\":\"body is missing\"}", await empty.Content.ReadAsStringAsync());
        Assert.Equal("Note Hook", headers["X-Gitlab-Event"]);
        Assert.Equal("Issue", body.GetProperty("object_attributes").GetProperty("noteable_type").GetString());
        Assert.Equal(issue.Iid, body.GetProperty("issue").GetProperty("iid").GetInt64());

        // The note is the token's user's, in the answer and in the hook: a person's command is never taken for the service's.
        Assert.Equal(
            "alice",
            (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("author").GetProperty("username").GetString()
        );
        Assert.Equal("alice", body.GetProperty("user").GetProperty("username").GetString());
    }

    [Fact]
    public async Task Should_deliver_a_note_hook_again_as_an_update_when_a_note_is_edited()
    {
        var bot = _gitlab.Client(token: GitLabBus.Simulator.SimulatorOptions.BotToken);
        await _gitlab.Client().AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);
        var note = await bot.CreateMergeRequestNoteAsync(1, 1, "Summary for abc123", CancellationToken.None);

        await bot.UpdateMergeRequestNoteAsync(1, 1, note.Id, "Summary for def456", CancellationToken.None);
        var (_, body) = await NextAsync(delivery =>
            delivery.Body.GetProperty("object_kind").GetString() == "note"
            && delivery.Body.GetProperty("object_attributes").GetProperty("action").GetString() == "update"
        );

        Assert.Equal(note.Id, body.GetProperty("object_attributes").GetProperty("id").GetInt64());
        Assert.Equal("Summary for def456", body.GetProperty("object_attributes").GetProperty("note").GetString());
        Assert.Equal("gitlabbus-bot", body.GetProperty("user").GetProperty("username").GetString());
    }

    [Fact]
    public async Task Should_tell_in_the_merge_request_hook_what_an_update_changed_and_who_made_it()
    {
        var root = _gitlab.Client();
        var alice = _gitlab.Client(token: GitLabBus.Simulator.SimulatorOptions.DeveloperToken);
        var bot = await _gitlab.Client(token: GitLabBus.Simulator.SimulatorOptions.BotToken).GetCurrentUserAsync(CancellationToken.None);
        await root.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);

        var updated = await alice.UpdateMergeRequestAsync(
            1,
            3,
            new GitLabMergeRequestUpdate
            {
                Title = "Speed up the checkout page",
                AddLabels = "Merge Assist: Ready to Merge",
                AssigneeIds = [bot.Id],
            },
            CancellationToken.None
        );
        var (_, hook) = await NextAsync(delivery =>
            delivery.Body.GetProperty("object_kind").GetString() == "merge_request"
            && delivery.Body.GetProperty("object_attributes").GetProperty("action").GetString() == "update"
        );
        var changes = hook.GetProperty("changes");
        var assignedToTheBot = await root.ListMergeRequestsAsync(1, new() { State = "opened" }, CancellationToken.None).ToListAsync();

        Assert.Equal([SimulatorOptions.BotUsername], updated.Assignees.Select(user => user.Username));
        Assert.Equal("alice", hook.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal(
            (true, false),
            (
                changes.GetProperty("draft").GetProperty("previous").GetBoolean(),
                changes.GetProperty("draft").GetProperty("current").GetBoolean()
            )
        );
        Assert.Contains(
            changes.GetProperty("labels").GetProperty("current").EnumerateArray(),
            label => label.GetProperty("title").GetString() == "Merge Assist: Ready to Merge"
        );
        Assert.Empty(changes.GetProperty("assignees").GetProperty("previous").EnumerateArray());
        Assert.Equal(
            SimulatorOptions.BotUsername,
            changes.GetProperty("assignees").GetProperty("current")[0].GetProperty("username").GetString()
        );
        Assert.Equal(SimulatorOptions.BotUsername, hook.GetProperty("assignees")[0].GetProperty("username").GetString());
        Assert.False(changes.TryGetProperty("description", out _));
        Assert.Contains(assignedToTheBot, mr => mr.Iid == 3 && mr.Assignees.Any(user => user.Id == bot.Id));
    }

    [Fact]
    public async Task Should_deliver_a_push_hook_for_a_branch_made_through_the_api()
    {
        var client = _gitlab.Client();
        await client.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);

        var branch = await client.CreateBranchAsync(1, "merge-assist/batch/main/1", "main", CancellationToken.None);
        var (headers, body) = await NextAsync(delivery =>
            delivery.Body.GetProperty("object_kind").GetString() == "push"
            && delivery.Body.GetProperty("ref").GetString() == "refs/heads/merge-assist/batch/main/1"
        );

        Assert.Equal("Push Hook", headers["X-Gitlab-Event"]);
        Assert.Equal(new string('0', 40), body.GetProperty("before").GetString());
        Assert.Equal(branch.Commit.Id, body.GetProperty("after").GetString());
        Assert.Empty(body.GetProperty("commits").EnumerateArray());
        Assert.Equal(0, body.GetProperty("total_commits_count").GetInt32());
    }

    [Fact]
    public async Task Should_deliver_a_projects_events_to_its_groups_hooks()
    {
        using var http = AuthorisedHttp();
        using var registered = await http.PostAsJsonAsync(
            "/api/v4/groups/demo/hooks",
            new
            {
                url = $"{_receiverUrl}/hook",
                token = "group-secret",
                issues_events = true,
                push_events = false,
            }
        );
        var hook = await registered.Content.ReadFromJsonAsync<JsonElement>();
        using var listed = await http.GetAsync("/api/v4/groups/demo/hooks");
        using var notAUrl = await http.PostAsJsonAsync("/api/v4/groups/demo/hooks", new { url = "ftp://example.com/hook" });
        using var noGroup = await http.GetAsync("/api/v4/groups/nowhere/hooks");

        await _gitlab.Client().CreateIssueAsync(1, new NewGitLabIssue("Seen by the group"), CancellationToken.None);
        var (headers, body) = await NextAsync(delivery => delivery.Body.GetProperty("object_kind").GetString() == "issue");

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.False(hook.TryGetProperty("project_id", out _));
        Assert.Equal(
            hook.GetProperty("id").GetInt64(),
            Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()).GetProperty("id").GetInt64()
        );
        Assert.Equal(HttpStatusCode.BadRequest, notAUrl.StatusCode);
        Assert.Equal("{\"message\":\"404 Group Not Found\"}", await noGroup.Content.ReadAsStringAsync());
        Assert.Equal("group-secret", headers["X-Gitlab-Token"]);
        Assert.Equal("Seen by the group", body.GetProperty("object_attributes").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Should_run_a_pipeline_to_success_and_announce_each_status()
    {
        var client = _gitlab.Client();
        await client.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);

        var created = await client.CreatePipelineAsync(
            1,
            new NewGitLabPipeline("main") { Variables = [new("DEPLOY", "yes")] },
            CancellationToken.None
        );
        var statuses = new List<string>();
        while (statuses.LastOrDefault() != "success")
        {
            var (_, body) = await NextAsync(delivery =>
                delivery.Body.GetProperty("object_kind").GetString() == "pipeline"
                && delivery.Body.GetProperty("object_attributes").GetProperty("id").GetInt64() == created.Id
            );
            statuses.Add(body.GetProperty("object_attributes").GetProperty("status").GetString()!);
        }

        var jobs = new List<GitLabJob>();
        await foreach (var job in client.ListPipelineJobsAsync(1, created.Id, CancellationToken.None))
        {
            jobs.Add(job);
        }

        var trace = await client.GetTraceAsync(1, jobs[0].Id, 0, CancellationToken.None);
        var tail = await client.GetTraceAsync(1, jobs[0].Id, trace.NextOffset - 10, CancellationToken.None);
        await using var artifacts = await client.DownloadArtifactsAsync(
            1,
            jobs.Single(job => job.Name == "build").Id,
            "build/output.txt",
            CancellationToken.None
        );

        Assert.Equal(["created", "pending", "running", "success"], statuses.Distinct());
        Assert.Equal(["build", "deploy", "test"], jobs.Select(job => job.Name).Order());
        Assert.All(jobs, job => Assert.Equal("success", job.Status));
        Assert.Equal(
            [new GitLabPipelineVariable("DEPLOY", "yes")],
            await client.GetPipelineVariablesAsync(1, created.Id, CancellationToken.None)
        );
        Assert.True(trace.Complete);
        Assert.Contains("Job succeeded", trace.Text, StringComparison.Ordinal);
        Assert.Equal(10, tail.Text.Length);
        using var bytes = new MemoryStream();
        await artifacts.Content.CopyToAsync(bytes);

        // The file's bytes as GitLab serves them: no byte-order mark before the text.
        Assert.StartsWith("output of build", System.Text.Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_a_pipeline_when_told_and_let_its_failed_job_be_retried_but_not_a_passed_job_played()
    {
        var client = _gitlab.Client();
        await _gitlab.Admin.PostAsJsonAsync(
            "/_sim/pipelines/outcome",
            new
            {
                project_id = 1,
                @ref = "main",
                status = "failed",
            }
        );

        var created = await client.CreatePipelineAsync(1, new NewGitLabPipeline("main"), CancellationToken.None);
        var failed = await UntilAsync(
            () => client.GetPipelineAsync(1, created.Id, CancellationToken.None),
            pipeline => pipeline.Status == "failed"
        );
        var failedJob = await FirstJobAsync(client, created.Id, job => job.Status == "failed");
        var passedJob = await FirstJobAsync(client, created.Id, job => job.Status == "success");
        var notPlayable = await Assert.ThrowsAsync<GitLabException>(() => client.PlayJobAsync(1, passedJob.Id, CancellationToken.None));
        var retried = await client.RetryJobAsync(1, failedJob.Id, CancellationToken.None);
        var recovered = await UntilAsync(
            () => client.GetPipelineAsync(1, created.Id, CancellationToken.None),
            pipeline => pipeline.Status == "success"
        );

        Assert.Equal("failed", failed.Status);
        Assert.Equal("script_failure", failedJob.FailureReason);
        Assert.NotEqual(failedJob.Id, retried.Id);
        Assert.Equal("success", recovered.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "403 Forbidden - Unplayable Job"), (notPlayable.Status, notPlayable.GitLabMessage));

        // GitLab's 403 for "not now" reads as a state conflict, its 403 for "not you" as a permission refusal.
        Assert.Equal(GitLabErrorKind.State, notPlayable.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_merge_with_a_stale_sha_and_rebase_asynchronously_onto_a_moved_target()
    {
        var client = _gitlab.Client();
        var first = await client.GetMergeRequestAsync(1, 1, false, CancellationToken.None);
        var stale = await Assert.ThrowsAsync<GitLabException>(() =>
            client.MergeMergeRequestAsync(1, 1, new GitLabMergeOptions { Sha = new string('a', 40) }, CancellationToken.None)
        );
        var merged = await client.MergeMergeRequestAsync(1, 1, new GitLabMergeOptions { Sha = first.Sha }, CancellationToken.None);

        var second = await client.GetMergeRequestAsync(1, 2, false, CancellationToken.None);
        var accepted = await client.RebaseMergeRequestAsync(1, 2, skipCi: false, CancellationToken.None);
        var rebased = await UntilAsync(
            () => client.GetMergeRequestAsync(1, 2, true, CancellationToken.None),
            mr => mr.RebaseInProgress == false
        );

        Assert.Equal((GitLabErrorKind.Conflict, HttpStatusCode.Conflict), (stale.Kind, stale.Status));
        Assert.Equal("merged", merged.State);
        Assert.True(accepted.RebaseInProgress);
        Assert.Null(rebased.MergeError);
        Assert.NotEqual(second.Sha, rebased.Sha);
        Assert.Equal("mergeable", rebased.DetailedMergeStatus);
    }

    [Fact]
    public async Task Should_show_a_conflict_when_two_merge_requests_touch_the_same_file()
    {
        var client = _gitlab.Client();
        await client.UpdateMergeRequestAsync(
            1,
            3,
            new GitLabMergeRequestUpdate { Title = "Speed up the checkout page" },
            CancellationToken.None
        );
        await client.MergeMergeRequestAsync(1, 2, new GitLabMergeOptions(), CancellationToken.None);

        var conflicted = await client.GetMergeRequestAsync(1, 3, false, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<GitLabException>(() =>
            client.MergeMergeRequestAsync(1, 3, new GitLabMergeOptions(), CancellationToken.None)
        );
        await client.RebaseMergeRequestAsync(1, 3, skipCi: false, CancellationToken.None);
        var rebase = await UntilAsync(
            () => client.GetMergeRequestAsync(1, 3, true, CancellationToken.None),
            mr => mr.RebaseInProgress == false
        );

        Assert.True(conflicted.HasConflicts);
        Assert.Equal("conflict", conflicted.DetailedMergeStatus);
        Assert.Equal((GitLabErrorKind.State, HttpStatusCode.MethodNotAllowed), (refused.Kind, refused.Status));
        Assert.StartsWith("Rebase failed", rebase.MergeError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_start_a_merge_request_pipeline_and_a_new_version_when_its_branch_is_pushed()
    {
        var client = _gitlab.Client();
        await client.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);
        var before = await client.GetMergeRequestAsync(1, 1, false, CancellationToken.None);
        using var http = AuthorisedHttp();

        using var pushed = await http.PostAsJsonAsync(
            "/api/v4/projects/1/repository/commits",
            new
            {
                branch = before.SourceBranch,
                commit_message = "Address review",
                actions = new[]
                {
                    new
                    {
                        action = "update",
                        file_path = "src/cart.py",
                        content = "total = 1\n",
                    },
                },
            }
        );
        var sha = (await pushed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var (_, update) = await NextAsync(delivery => delivery.Body.GetProperty("object_kind").GetString() == "merge_request");
        var after = await client.GetMergeRequestAsync(1, 1, false, CancellationToken.None);
        var pipelines = (await client.GetPipelinesPageAsync(1, before.SourceBranch, null, 1, 100, CancellationToken.None))
            .Items.Where(p => p.Sha == sha)
            .ToList();

        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        Assert.Equal(sha, after.Sha);
        Assert.Equal("update", update.GetProperty("object_attributes").GetProperty("action").GetString());
        Assert.Equal(before.Sha, update.GetProperty("object_attributes").GetProperty("oldrev").GetString());
        Assert.Equal("merge_request_event", Assert.Single(pipelines).Source);
    }

    [Fact]
    public async Task Should_start_a_push_pipeline_for_a_branch_without_a_merge_request()
    {
        var client = _gitlab.Client();
        using var http = AuthorisedHttp();

        using var pushed = await http.PostAsJsonAsync(
            "/api/v4/projects/1/repository/commits",
            new
            {
                branch = "hotfix",
                start_branch = "main",
                commit_message = "Fix the catalog",
                actions = new[]
                {
                    new
                    {
                        action = "create",
                        file_path = "src/fix.py",
                        content = "",
                    },
                },
            }
        );
        using var incomplete = await http.PostAsJsonAsync("/api/v4/projects/1/repository/commits", new { branch = "hotfix" });
        using var unknownAction = await http.PostAsJsonAsync(
            "/api/v4/projects/1/repository/commits",
            new
            {
                branch = "hotfix",
                commit_message = "x",
                actions = new[] { new { action = "rename", file_path = "a" } },
            }
        );
        var sha = (await pushed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var pipelines = (await client.GetPipelinesPageAsync(1, "hotfix", null, 1, 100, CancellationToken.None)).Items;

        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        Assert.Equal((sha, "push"), (Assert.Single(pipelines).Sha, pipelines[0].Source));
        Assert.Equal("{\"error\":\"commit_message is missing, actions is missing\"}", await incomplete.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknownAction.StatusCode);
    }

    [Fact]
    public async Task Should_run_a_child_pipeline_from_a_bridge_and_end_the_parent_with_it()
    {
        var client = _gitlab.Client();
        await client.AddHookAsync(1, new NewGitLabHook($"{_receiverUrl}/hook"), CancellationToken.None);
        await _gitlab.Admin.PostAsJsonAsync("/_sim/pipelines/settings", new { child_stage = "test", child_stages = new[] { "unit" } });

        var parent = await client.CreatePipelineAsync(1, new NewGitLabPipeline("main"), CancellationToken.None);
        var done = await UntilAsync(
            () => client.GetPipelineAsync(1, parent.Id, CancellationToken.None),
            pipeline => SimStoreFinal(pipeline.Status)
        );
        var bridge = Assert.Single(await client.ListPipelineBridgesAsync(1, parent.Id, CancellationToken.None).ToListAsync());
        var jobs = await client.ListPipelineJobsAsync(1, parent.Id, CancellationToken.None).ToListAsync();
        var childId = bridge.DownstreamPipeline!.Id;
        var (_, childHook) = await NextAsync(delivery =>
            delivery.Body.GetProperty("object_kind").GetString() == "pipeline"
            && delivery.Body.GetProperty("object_attributes").GetProperty("id").GetInt64() == childId
        );

        Assert.Equal("success", done.Status);
        Assert.Equal(("trigger-child", "success"), (bridge.Name, bridge.Status));
        Assert.DoesNotContain(jobs, job => job.Name == "trigger-child");
        Assert.Equal("parent_pipeline", (await client.GetPipelineAsync(1, childId, CancellationToken.None)).Source);
        Assert.Equal(parent.Id, childHook.GetProperty("source_pipeline").GetProperty("pipeline_id").GetInt64());
        Assert.Equal(bridge.Id, childHook.GetProperty("source_pipeline").GetProperty("job_id").GetInt64());
    }

    [Fact]
    public async Task Should_answer_gitlabs_statuses_and_headers()
    {
        using var anonymous = await _gitlab.Admin.GetAsync("/api/v4/projects/1");
        using var http = AuthorisedHttp();
        using var missing = await http.GetAsync("/api/v4/projects/42/issues");
        using var page = await http.GetAsync("/api/v4/projects/1/issues?per_page=2&page=2");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("{\"message\":\"401 Unauthorized\"}", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal("{\"message\":\"404 Project Not Found\"}", await missing.Content.ReadAsStringAsync());
        Assert.Equal(
            ["2", "2", "3", "1", "7", "4"],
            new[] { "x-page", "x-per-page", "x-next-page", "x-prev-page", "x-total", "x-total-pages" }.Select(name =>
                page.Headers.GetValues(name).Single()
            )
        );
        Assert.Equal("2000", page.Headers.GetValues("RateLimit-Limit").Single());

        // GitLab's Content-Type to the byte, on answers and errors alike: some clients compare the whole header.
        Assert.All(new[] { anonymous, missing, page }, response => Assert.Equal("application/json", RawContentType(response)));
        Assert.Contains("rel=\"next\"", page.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
    }

    private static string RawContentType(HttpResponseMessage response) => response.Content.Headers.GetValues("Content-Type").Single();

    private static bool SimStoreFinal(string status) => GitLabBus.Simulator.State.SimStore.IsFinal(status);

    private HttpClient AuthorisedHttp(string token = GitLabBus.Simulator.SimulatorOptions.DefaultToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(_gitlab.Url) };
        http.DefaultRequestHeaders.Add("PRIVATE-TOKEN", token);
        return http;
    }

    private async Task<(IHeaderDictionary Headers, JsonElement Body)> NextAsync(
        Func<(IHeaderDictionary Headers, JsonElement Body), bool> match
    )
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var delivery = await _deliveries.Reader.ReadAsync(timeout.Token);
            if (match(delivery))
            {
                return delivery;
            }
        }
    }

    /// <summary>The value read last: the one <paramref name="done"/> accepted, or the last before the deadline.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = default(T)!;
        await GitLabDelivery.EventuallyAsync(async () => done(value = await read()), TimeSpan.FromSeconds(30));
        return value;
    }

    private static async Task<GitLabJob> FirstJobAsync(GitLabClient client, long pipelineId, Func<GitLabJob, bool> match)
    {
        await foreach (var job in client.ListPipelineJobsAsync(1, pipelineId, CancellationToken.None))
        {
            if (match(job))
            {
                return job;
            }
        }

        throw new InvalidOperationException("no such job");
    }
}
