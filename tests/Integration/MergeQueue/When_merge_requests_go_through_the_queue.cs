using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Integration.MergeQueue;

/// <summary>
/// CONTRACT 7's acceptance on demo/shop, with every process separate on real RabbitMQ and Redis: the five ways in, a
/// change that breaks the build only in combination, conflicts, kill -9 in the middle of a batch, and a queue that leaves
/// nothing behind.
/// </summary>
public sealed class When_merge_requests_go_through_the_queue : IClassFixture<MergeQueueDeployment>
{
    private readonly MergeQueueDeployment _deployment;

    public When_merge_requests_go_through_the_queue(MergeQueueDeployment deployment) => _deployment = deployment;

    [Fact]
    public async Task Should_merge_the_four_good_ones_from_five_ways_in_and_reject_the_one_that_breaks_the_build()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var byLabel = await _deployment.OpenMergeRequestAsync($"label-{run}", ($"src/label_{run}.py", "LABEL = 1\n"));
        var byNote = await _deployment.OpenMergeRequestAsync($"note-{run}", ($"src/note_{run}.py", "NOTE = 'breaks checkout'\n"));
        var byRest = await _deployment.OpenMergeRequestAsync($"rest-{run}", ($"src/rest_{run}.py", "REST = 1\n"));
        var byWatcher = await _deployment.OpenMergeRequestAsync($"watch-{run}", ($"src/watch_{run}.py", "WATCH = 1\n"));
        var byBus = await _deployment.OpenMergeRequestAsync($"bus-{run}", ($"src/bus_{run}.py", "BUS = 1\n"));
        // Its own pipeline passed; from now on a tree holding this text fails, as when the target moved under it.
        var rule = new
        {
            project_id = 1,
            when_file_contains = new { path = $"src/note_{run}.py", text = "breaks checkout" },
            job = "test",
        };
        (await _deployment.Root.PostAsJsonAsync("/_sim/pipelines/rules", rule)).EnsureSuccessStatusCode();
        using var writer = _deployment.Api(Roles.ProjectOwner);

        await _deployment.Alice.PutAsJsonAsync(
            $"/api/v4/projects/1/merge_requests/{byLabel}",
            new { add_labels = MergeQueueDeployment.ReadyLabel }
        );
        await _deployment.Alice.PostAsJsonAsync($"/api/v4/projects/1/merge_requests/{byNote}/notes", new { body = "/merge" });
        using var enqueued = await writer.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = byRest });
        var bot = (await _deployment.Root.GetFromJsonAsync<JsonElement>("/api/v4/users?username=gitlabbus-bot"))[0]
            .GetProperty("id")
            .GetInt64();
        await _deployment.Root.PutAsJsonAsync($"/api/v4/projects/1/merge_requests/{byWatcher}", new { assignee_ids = new[] { bot } });
        await _deployment.Infrastructure.PublishRawAsync(
            "GitLabBus.Contracts:MrReadyForBatch",
            $$"""{"projectId":1,"mergeRequestIid":{{byBus}},"requestedBy":"another-system","source":"bus"}"""
        );

        Assert.Equal(HttpStatusCode.Accepted, enqueued.StatusCode);
        long[] good = [byLabel, byRest, byWatcher, byBus];
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    var merged = await Task.WhenAll(
                        good.Select(async iid => (await _deployment.MergeRequestAsync(iid)).GetProperty("state").GetString())
                    );
                    var broken = await _deployment.MergeRequestAsync(byNote);
                    // The label goes on first, then the comment: both must be there.
                    return merged.All(state => state == "merged")
                        && broken
                            .GetProperty("labels")
                            .EnumerateArray()
                            .Any(label => label.GetString() == MergeQueueDeployment.RejectedLabel)
                        && (await _deployment.NotesAsync(byNote)).Any(note =>
                            note.Contains("rejected this merge request", StringComparison.Ordinal)
                        );
                },
                TimeSpan.FromSeconds(150)
            ),
            _deployment.Output
        );

        Assert.Equal("opened", (await _deployment.MergeRequestAsync(byNote)).GetProperty("state").GetString());
        var notes = await _deployment.NotesAsync(byNote);
        // Where it stood in its batch decides whether its three failing pipelines came while it was narrowed down (rejected
        // at once) or partly when tested alone (a strike comment first); the rejection names the failed job either way.
        Assert.Contains(
            notes,
            note =>
                note.Contains("rejected this merge request", StringComparison.Ordinal)
                && note.Contains("[`test`](", StringComparison.Ordinal)
                && note.Contains("/-/jobs/", StringComparison.Ordinal)
        );
        // The target holds the four changes and nothing else the queue did: its tree is what a pipeline passed.
        var tree = await _deployment.Root.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/repository/tree?path=src&per_page=100");
        var files = tree.EnumerateArray().Select(entry => entry.GetProperty("name").GetString()).ToHashSet();
        Assert.Subset(files, new HashSet<string?> { $"label_{run}.py", $"rest_{run}.py", $"watch_{run}.py", $"bus_{run}.py" });
        Assert.DoesNotContain($"note_{run}.py", files);
        using var reader = _deployment.Api(Roles.Viewer);
        var outcomes = await OutcomesAsync(reader, [.. good, byNote]);
        Assert.All(good, iid => Assert.Equal("merged", Assert.Single(outcomes[iid]).GetProperty("outcome").GetString()));
        Assert.Equal(("rejected", "strikes"), (Outcome(outcomes[byNote].Single()), Reason(outcomes[byNote].Single())));
        Assert.Equal(3, outcomes[byNote].Single().GetProperty("strikes").GetInt32());
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () => await _deployment.LeftoversAsync() == (0, 0), TimeSpan.FromSeconds(30)),
            $"left behind: {await _deployment.LeftoversAsync()}"
        );
    }

    [Fact]
    public async Task Should_merge_each_exactly_once_through_kill_9_and_take_the_conflicting_one_out()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var first = await _deployment.OpenMergeRequestAsync($"one-{run}", ($"src/one_{run}.py", "ONE = 1\n"));
        var second = await _deployment.OpenMergeRequestAsync($"two-{run}", ($"src/two_{run}.py", "TWO = 2\n"));
        var conflicted = await _deployment.OpenMergeRequestAsync($"clash-a-{run}", ($"src/clash_{run}.py", "VALUE = 'a'\n"));
        var conflicting = await _deployment.OpenMergeRequestAsync($"clash-b-{run}", ($"src/clash_{run}.py", "VALUE = 'b'\n"));
        using var writer = _deployment.Api(Roles.ProjectOwner);
        // Slow pipelines, so that the first kill lands while one runs.
        (await _deployment.Root.PostAsJsonAsync("/_sim/clock", new { speed = 20 })).EnsureSuccessStatusCode();

        foreach (var iid in new[] { first, second, conflicted, conflicting })
        {
            (await writer.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = iid })).EnsureSuccessStatusCode();
        }

        Assert.True(await BatchInStateAsync(writer, "testing"), _deployment.Output);
        await _deployment.KillAndRestartWorkersAsync();
        (await _deployment.Root.PostAsJsonAsync("/_sim/clock", new { speed = 200 })).EnsureSuccessStatusCode();
        // Every GitLab call on merge requests slowed, so that the second kill lands while a batch is merged.
        (
            await _deployment.Root.PostAsJsonAsync(
                "/_sim/faults",
                new
                {
                    latency_ms = 300,
                    count = 400,
                    path_prefix = "/api/v4/projects/1/merge_requests",
                }
            )
        ).EnsureSuccessStatusCode();
        Assert.True(await BatchInStateAsync(writer, "merging"), _deployment.Output);
        await _deployment.KillAndRestartWorkersAsync();
        await _deployment.Root.DeleteAsync("/_sim/faults");

        // Whichever of the two clashing ones came first lands; the other cannot join it.
        long[] clash = [conflicted, conflicting];
        var states = new Dictionary<long, string?>();
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    foreach (var iid in new[] { first, second, conflicted, conflicting })
                    {
                        states[iid] = (await _deployment.MergeRequestAsync(iid)).GetProperty("state").GetString();
                    }

                    return states[first] == "merged" && states[second] == "merged" && clash.Count(iid => states[iid] == "merged") == 1;
                },
                TimeSpan.FromSeconds(150)
            ),
            _deployment.Output
        );
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () => await _deployment.LeftoversAsync() == (0, 0), TimeSpan.FromSeconds(60)),
            $"left behind: {await _deployment.LeftoversAsync()}"
        );

        var winner = clash.Single(iid => states[iid] == "merged");
        var loser = clash.Single(iid => iid != winner);
        Assert.Equal("opened", (await _deployment.MergeRequestAsync(loser)).GetProperty("state").GetString());
        Assert.Contains(
            await _deployment.NotesAsync(loser),
            note => note.Contains("could not be merged into its batch", StringComparison.Ordinal)
        );
        var outcomes = await OutcomesAsync(writer, [first, second, conflicted, conflicting]);
        Assert.All(new[] { first, second, winner }, iid => Assert.Equal("merged", Outcome(Assert.Single(outcomes[iid]))));
        var lost = Assert.Single(outcomes[loser], item => item.GetProperty("outcome").GetString() != "removed");
        Assert.True(
            outcomes[loser].Count() == 1,
            $"!{loser} left the queue more than once: {string.Join(", ", outcomes[loser].Select(item => item.GetRawText()))}"
        );
        Assert.Equal(("rejected", "conflict"), (Outcome(lost), Reason(lost)));
        var content = await _deployment.Root.GetStringAsync($"/api/v4/projects/1/repository/files/src%2Fclash_{run}.py/raw?ref=main");
        Assert.Equal(winner == conflicted ? "VALUE = 'a'\n" : "VALUE = 'b'\n", content);
    }

    [Fact]
    public async Task Should_put_a_raised_priority_first_and_rebuild_without_blame_when_someone_merges_outside_the_queue()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var older = await _deployment.OpenMergeRequestAsync($"older-{run}", ($"src/older_{run}.py", "OLDER = 1\n"));
        var raised = await _deployment.OpenMergeRequestAsync($"raised-{run}", ($"src/raised_{run}.py", "RAISED = 1\n"));
        var outsider = await _deployment.OpenMergeRequestAsync($"outside-{run}", ($"src/outside_{run}.py", "OUTSIDE = 1\n"));
        using var owner = _deployment.Api(Roles.ProjectOwner);
        using var manager = _deployment.Api(Roles.PriorityManager);
        var paused = new
        {
            batch_size = 1,
            max_parallel_batches = 1,
            paused = true,
        };
        (await owner.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", paused)).EnsureSuccessStatusCode();
        foreach (var iid in new[] { older, raised })
        {
            (await owner.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = iid })).EnsureSuccessStatusCode();
        }

        Assert.True(await EntriesAsync(owner, entries => entries.Count == 2), _deployment.Output);
        using var raising = await manager.PutAsJsonAsync($"/gitlab/projects/1/merge-queue/{raised}/priority", new { priority = 10 });
        Assert.Equal(HttpStatusCode.OK, raising.StatusCode);
        Assert.True(await EntriesAsync(owner, entries => entries.SequenceEqual([raised, older])), _deployment.Output);

        (await _deployment.Root.PostAsJsonAsync("/_sim/clock", new { speed = 10 })).EnsureSuccessStatusCode();
        var resumed = new
        {
            batch_size = 1,
            max_parallel_batches = 1,
            paused = false,
        };
        (await owner.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", resumed)).EnsureSuccessStatusCode();
        Assert.True(await BatchInStateAsync(owner, "testing"), _deployment.Output);
        var view = await owner.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue");
        Assert.Equal(
            [raised],
            view.GetProperty("batches")[0].GetProperty("merge_request_iids").EnumerateArray().Select(iid => iid.GetInt64())
        );
        var tested = view.GetProperty("batches")[0].GetProperty("number").GetInt64();
        // Someone merges by hand while the batch tests: the batch no longer matches the target.
        (await _deployment.Root.PutAsJsonAsync($"/api/v4/projects/1/merge_requests/{outsider}/merge", new { })).EnsureSuccessStatusCode();
        (await _deployment.Root.PostAsJsonAsync("/_sim/clock", new { speed = 200 })).EnsureSuccessStatusCode();

        var outcomes = await OutcomesAsync(owner, [raised, older]);
        (await owner.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", new { })).EnsureSuccessStatusCode();
        Assert.Equal("merged", Outcome(Assert.Single(outcomes[raised])));
        Assert.Equal("merged", Outcome(Assert.Single(outcomes[older])));
        Assert.True(
            outcomes[raised].Single().GetProperty("batch_number").GetInt64()
                < outcomes[older].Single().GetProperty("batch_number").GetInt64()
        );
        Assert.True(
            outcomes[raised].Single().GetProperty("batch_number").GetInt64() > tested,
            "the batch was built again on the new target"
        );
        Assert.All(new[] { raised, older }, iid => Assert.Equal(0, outcomes[iid].Single().GetProperty("strikes").GetInt32()));
        var notes = (await _deployment.NotesAsync(raised)).Concat(await _deployment.NotesAsync(older));
        Assert.DoesNotContain(notes, note => note.Contains("strike", StringComparison.Ordinal));
        var tree = await _deployment.Root.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/repository/tree?path=src&per_page=100");
        var files = tree.EnumerateArray().Select(entry => entry.GetProperty("name").GetString()).ToHashSet();
        Assert.Subset(files, new HashSet<string?> { $"older_{run}.py", $"raised_{run}.py", $"outside_{run}.py" });
    }

    [Fact]
    public async Task Should_answer_bad_requests_with_the_contracts_errors()
    {
        using var writer = _deployment.Api(Roles.ProjectOwner);
        using var viewer = _deployment.Api(Roles.Viewer);

        using var unknownProject = await writer.PostAsJsonAsync("/gitlab/projects/999/merge-queue", new { merge_request_iid = 1 });
        using var unknownRequest = await writer.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = 9999 });
        using var prioritised = await writer.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = 1, priority = 5 });
        using var byViewer = await viewer.PutAsJsonAsync("/gitlab/projects/1/merge-queue/1/priority", new { priority = 5 });
        using var tooBig = await writer.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", new { batch_size = 1000 });

        Assert.Equal(HttpStatusCode.NotFound, unknownProject.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRequest.StatusCode);
        Assert.Equal(("not_found", HttpStatusCode.NotFound), (await unknownRequest.ErrorCodeAsync(), unknownRequest.StatusCode));
        Assert.Equal(HttpStatusCode.Forbidden, prioritised.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains(
            "batch_size",
            (await tooBig.JsonAsync()).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
    }

    /// <summary>
    /// The queue's history of <paramref name="iids"/>, once it names each (GitLab shows a merge before the queue hears of it).
    /// </summary>
    private async Task<ILookup<long, JsonElement>> OutcomesAsync(HttpClient api, long[] iids)
    {
        ILookup<long, JsonElement> outcomes = null!;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    var history = await api.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue/history?limit=100");
                    outcomes = history
                        .GetProperty("items")
                        .EnumerateArray()
                        .ToLookup(item => item.GetProperty("merge_request_iid").GetInt64());
                    return iids.All(outcomes.Contains);
                },
                TimeSpan.FromSeconds(30)
            ),
            _deployment.Output
        );
        return outcomes;
    }

    private static string? Outcome(JsonElement item) => item.GetProperty("outcome").GetString();

    private static string? Reason(JsonElement item) => item.GetProperty("reason").GetString();

    private static Task<bool> EntriesAsync(HttpClient api, Func<IReadOnlyList<long>, bool> condition) =>
        GitLabDelivery.EventuallyAsync(
            async () =>
                condition([
                    .. (await api.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue"))
                        .GetProperty("entries")
                        .EnumerateArray()
                        .Select(entry => entry.GetProperty("merge_request_iid").GetInt64()),
                ]),
            TimeSpan.FromSeconds(60)
        );

    private static Task<bool> BatchInStateAsync(HttpClient api, string state) =>
        GitLabDelivery.EventuallyAsync(
            async () =>
                (await api.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue"))
                    .GetProperty("batches")
                    .EnumerateArray()
                    .Any(batch => batch.GetProperty("state").GetString() == state),
            TimeSpan.FromSeconds(60)
        );
}
