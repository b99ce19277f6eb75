using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Consumers.Reviews;
using GitLabBus.Consumers.Reviews.Rules;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary>
/// The review on the embedded bus against the simulator: what it posts (one summary, a thread per finding at its line),
/// that it posts nothing twice however often it is asked, and how it follows a push.
/// </summary>
public sealed class When_a_merge_request_is_reviewed : IAsyncLifetime
{
    private const string AwsKeyId = "AKIAZ7QW3ERTY5UIOPAS";
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_post_one_summary_and_a_thread_per_finding_at_its_line_without_the_key()
    {
        var iid = await OpenAsync("review-key", ("web/settings.js", Settings("")));

        await Harness.Bus.Publish(Asked(iid));

        var completed = await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);
        var discussions = await DiscussionsAsync(iid);
        var summary = Assert.Single(discussions, d => Body(d).Contains(ReviewComments.SummaryMarker, StringComparison.Ordinal));
        var threads = discussions.Where(d => Body(d).Contains("gitlabbus:finding:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [(2, CommittedSecretRule.RuleId), (3, DebugOutputRule.RuleId), (4, UnreferencedTodoRule.RuleId)],
            threads.Select(d => (NewLine(d), RuleOf(d))).OrderBy(each => each.Item1)
        );
        Assert.Contains(completed.HeadSha[..12], Body(summary), StringComparison.Ordinal);
        Assert.Contains(MissingTestsRule.RuleId, Body(summary), StringComparison.Ordinal);
        Assert.All(discussions, d => Assert.DoesNotContain(AwsKeyId, Body(d), StringComparison.Ordinal));
        Assert.Equal((4, 3), (completed.Findings, completed.Posted));
        var onTheBus = Harness
            .Published.Select(_ => true)
            .Select(message => message.MessageObject)
            .Concat(Harness.Sent.Select(_ => true).Select(message => message.MessageObject));
        Assert.All(onTheBus, message => Assert.DoesNotContain(AwsKeyId, JsonSerializer.Serialize(message), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_list_what_it_did_not_read_and_still_flag_a_binary()
    {
        await GitLab.CommitAsync(
            "main",
            null,
            (".gitlabbus.yml", "review:\n  ignore: [\"vendor/**\"]\n  rules:\n    missing-tests: off\n")
        );
        var iid = await OpenAsync(
            "review-skipped",
            ("vendor/lib.js", "console.log('vendored');\n"),
            ("package-lock.json", "{}\n"),
            ("web/app.js", "export const ok = 1;\n")
        );
        await GitLab.PostAsJsonAsync(
            "/api/v4/projects/1/repository/commits",
            new
            {
                branch = "review-skipped",
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
            }
        );

        await Harness.Bus.Publish(Asked(iid));

        var completed = await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);
        var review = await _consumers.Services.GetRequiredService<IReviewStore>().LatestAsync(1, iid, CancellationToken.None);
        Assert.Equal(
            [("package-lock.json", "lock file"), ("vendor/lib.js", "ignored by .gitlabbus.yml"), ("web/logo.png", "binary")],
            review!.SkippedFiles.Select(file => (file.Path, file.Reason))
        );
        Assert.Equal([(LargeOrBinaryFileRule.RuleId, "web/logo.png")], review.Findings.Select(f => (f.Rule, f.Path)));
        Assert.Contains("**Not read** (3 files)", review.Summary, StringComparison.Ordinal);
        Assert.Equal(1, completed.Findings);
    }

    [Fact]
    public async Task Should_post_nothing_twice_when_asked_five_times_at_once()
    {
        var iid = await OpenAsync("review-five", ("web/settings.js", Settings("")));

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Harness.Bus.Publish(Asked(iid))));

        await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                () =>
                    Task.FromResult(
                        Harness
                            .ConsumedSoFar<ReviewRequested>()
                            .Where(x => x.Context.Message.MergeRequestIid == iid && x.Exception is null)
                            .Count() == 5
                    ),
                TimeSpan.FromSeconds(60)
            )
        );
        var discussions = await DiscussionsAsync(iid);
        Assert.Single(discussions, d => Body(d).Contains(ReviewComments.SummaryMarker, StringComparison.Ordinal));
        Assert.Equal(3, discussions.Count(d => Body(d).Contains("gitlabbus:finding:", StringComparison.Ordinal)));
        Assert.Single(Harness.PublishedSoFar<ReviewCompleted>(), x => x.Context.Message.MergeRequestIid == iid);
    }

    [Fact]
    public async Task Should_edit_the_summary_after_a_push_and_post_only_the_new_finding()
    {
        var iid = await OpenAsync("review-push", ("web/settings.js", Settings("")));
        await Harness.Bus.Publish(Asked(iid));
        var first = await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);

        // A line above the findings moves them down: they are the same findings, not new ones.
        var head = await GitLab.CommitAsync("review-push", null, ("web/settings.js", Settings("console.debug('loaded');\n")));
        await Harness.Bus.Publish(Asked(iid) with { HeadSha = head });

        var second = await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid && m.HeadSha == head);
        var discussions = await DiscussionsAsync(iid);
        var summary = Assert.Single(discussions, d => Body(d).Contains(ReviewComments.SummaryMarker, StringComparison.Ordinal));
        Assert.Equal(first.NoteId, second.NoteId);
        Assert.Contains(head[..12], Body(summary), StringComparison.Ordinal);
        Assert.Equal(4, discussions.Count(d => Body(d).Contains("gitlabbus:finding:", StringComparison.Ordinal)));
        Assert.Equal(1, second.Posted);
        var review = await _consumers.Services.GetRequiredService<IReviewStore>().LatestAsync(1, iid, CancellationToken.None);
        Assert.Equal(head, review!.HeadSha);
        Assert.All(review.Findings.Where(f => f.Line is not null), f => Assert.NotNull(f.DiscussionId));
    }

    [Fact]
    public async Task Should_review_again_on_command_and_answer_help_once()
    {
        var iid = await OpenAsync("review-again", ("web/settings.js", Settings("")));
        await Harness.Bus.Publish(Asked(iid));
        var first = await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);

        await Harness.Bus.Publish(Asked(iid) with { Source = ReviewSources.Note, Again = true, NoteId = 9001 });
        await Harness.Bus.Publish(Asked(iid) with { Command = ReviewCommands.Help, Source = ReviewSources.Note, NoteId = 9002 });
        await Harness.Bus.Publish(Asked(iid) with { Command = ReviewCommands.Help, Source = ReviewSources.Note, NoteId = 9002 });

        Assert.True(
            await GitLabDelivery.EventuallyAsync(() =>
                Task.FromResult(Harness.PublishedSoFar<ReviewCompleted>().Where(x => x.Context.Message.MergeRequestIid == iid).Count() == 2)
            )
        );
        await Harness.ConsumedAsync<ReviewRequested>(m => m.NoteId == 9002);
        var notes = await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/notes");
        Assert.Single(
            notes!,
            note => note.GetProperty("body").GetString()!.Contains(ReviewComments.SummaryMarker, StringComparison.Ordinal)
        );
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/notes"))!.Count(note =>
                    note.GetProperty("body").GetString()!.Contains(ReviewComments.AnswerMarker(9002), StringComparison.Ordinal)
                ) == 1
            )
        );
        Assert.Equal(first.NoteId, Harness.PublishedSoFar<ReviewCompleted>().Last().Context.Message.NoteId);
    }

    [Fact]
    public async Task Should_not_review_a_draft_from_its_hook_nor_an_older_head()
    {
        var draft = await OpenAsync("review-draft", draft: true, ("web/a.js", "console.log(1);\n"));
        var moved = await OpenAsync("review-moved", ("web/b.js", "console.log(2);\n"));

        await Harness.Bus.Publish(Asked(draft));
        await Harness.Bus.Publish(Asked(moved) with { HeadSha = "0123456789abcdef0123456789abcdef01234567" });

        await Harness.ConsumedAsync<ReviewRequested>(m => m.MergeRequestIid == draft);
        await Harness.ConsumedAsync<ReviewRequested>(m => m.MergeRequestIid == moved);
        Assert.Empty(await DiscussionsAsync(draft));
        Assert.Empty(await DiscussionsAsync(moved));
    }

    [Fact]
    public async Task Should_show_its_steps_on_its_operation_and_in_its_spans()
    {
        var operation = $"review-steps-{Guid.NewGuid():N}";
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ReviewTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var iid = await OpenAsync("feature/steps", ("src/steps.js", Settings("")));

        await Harness.Bus.Publish(Asked(iid) with { OperationId = operation });

        await Harness.PublishedAsync<ReviewCompleted>(m => m.OperationId == operation);
        var events = await _consumers.Services.GetRequiredService<IOperationProgress>().ReadAsync(operation, CancellationToken.None);
        Assert.Equal(["started", "progress", "progress", "completed"], events.Select(e => e.Type));
        Assert.Equal(OperationKinds.Review, events[0].Data!.Value.GetProperty("kind").GetString());
        Assert.Equal("read", events[1].Data!.Value.GetProperty("step").GetString());
        Assert.Equal(1, events[1].Data!.Value.GetProperty("files").GetInt32());
        Assert.Equal("post", events[2].Data!.Value.GetProperty("step").GetString());
        Assert.Equal(4, events[2].Data!.Value.GetProperty("findings").GetInt32());
        Activity[] ours;
        lock (spans)
        {
            var review = spans.Single(span => (string?)span.GetTagItem("gitlabbus.operation_id") == operation);
            ours = [review, .. spans.Where(span => span.ParentSpanId == review.SpanId)];
        }

        Assert.Equal(["gitlab.review", "gitlab.review.post"], ours.Select(span => span.OperationName));
        Assert.Equal(4, ours[0].GetTagItem("review.findings"));
        Assert.DoesNotContain(ours.SelectMany(span => span.TagObjects), tag => tag.Value?.ToString()?.Contains(AwsKeyId) == true);
    }

    [Fact]
    public async Task Should_send_a_raw_request_breaking_the_contract_to_the_error_queue()
    {
        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = 1,
                Command = "rewrite",
            }
        );

        var consumed = await Harness.ConsumedAsync<ReviewRequested>(m => m.Command == "rewrite");
        var refused = Assert.IsType<InvalidMessageException>(consumed.Exception);
        Assert.Contains("command must be one of", refused.Message, StringComparison.Ordinal);
    }

    private static string Settings(string before) =>
        before + $"const region = 'eu-west-1';\nconst key = '{AwsKeyId}';\nconsole.log(region);\n// TODO: rotate this\n";

    private static ReviewRequested Asked(long iid) =>
        new()
        {
            ProjectId = 1,
            MergeRequestIid = iid,
            Source = ReviewSources.Hook,
        };

    private Task<long> OpenAsync(string branch, params (string Path, string Content)[] files) => OpenAsync(branch, false, files);

    private async Task<long> OpenAsync(string branch, bool draft, params (string Path, string Content)[] files)
    {
        await GitLab.CommitAsync(branch, "main", files);
        return await GitLab.OpenMergeRequestAsync(branch, $"Change on {branch}", draft);
    }

    private async Task<List<JsonElement>> DiscussionsAsync(long iid) =>
        [.. (await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/discussions?per_page=100"))!];

    private static string Body(JsonElement discussion) => discussion.GetProperty("notes")[0].GetProperty("body").GetString()!;

    private static int NewLine(JsonElement discussion) =>
        discussion.GetProperty("notes")[0].GetProperty("position").GetProperty("new_line").GetInt32();

    private static string RuleOf(JsonElement discussion)
    {
        var body = Body(discussion);
        var start = body.IndexOf("`", StringComparison.Ordinal) + 1;
        return body[start..body.IndexOf('`', start)];
    }
}
