using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Consumers.Reviews;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary>
/// The <c>openai</c> reviewer against a local OpenAI-compatible stub: what it is sent, how its findings are checked and
/// placed next to the rules', and what happens when it fails.
/// </summary>
public sealed class When_an_llm_reviews_a_merge_request : IAsyncLifetime
{
    private const string Key = "sk-test-review-key-123";
    private readonly string _url = Ports.FreeLoopbackUrl();
    private readonly List<JsonElement> _asked = [];
    private WebApplication _stub = null!;
    private ConsumersAgainstSimulator _consumers = null!;
    private Func<JsonElement, IResult> _answer = _ => Results.StatusCode(500);
    private TimeSpan _delay = TimeSpan.Zero;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_url);
        _stub = builder.Build();
        _stub.MapPost(
            "/{**path}",
            async (HttpContext http) =>
            {
                var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
                lock (_asked)
                {
                    _asked.Add(body);
                }

                await Task.Delay(_delay, http.RequestAborted);
                return _answer(body);
            }
        );
        await _stub.StartAsync();
        var settings = new ReviewSettings("openai", TimeSpan.FromSeconds(60))
        {
            BaseUrl = new Uri(_url),
            Key = Key,
            ModelTimeout = TimeSpan.FromSeconds(2),
            // Room for the small diffs of these specs, not for the large file of the budget's.
            MaxDiffTokens = 400,
        };
        _consumers = await ConsumersAgainstSimulator.StartAsync(services =>
        {
            services.AddSingleton(settings);
            services.AddSingleton(LlmReviewer.Create(settings));
        });
    }

    public async Task DisposeAsync()
    {
        await _consumers.DisposeAsync();
        await _stub.StopAsync();
        await _stub.DisposeAsync();
    }

    [Fact]
    public async Task Should_post_the_models_findings_beside_the_rules_and_send_it_the_budgeted_diff()
    {
        _answer = _ =>
            Completion(
                """{"findings":[{"path":"web/cart.js","line":2,"side":"new","severity":"error","message":"total can go negative."},"""
                    + """{"path":"web/cart.js","line":999,"side":"new","severity":"warning","message":"Outside the diff."},"""
                    + """{"path":"web/nowhere.js","line":1,"severity":"info","message":"Not a file of the change."}]}"""
            );
        var iid = await OpenAsync(
            "llm-review",
            ("web/cart.js", "export function total(items) {\n  return items.reduce((a, b) => a - b, 0);\n}\nconsole.log(total([]));\n")
        );

        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Source = ReviewSources.Hook,
            }
        );

        var completed = await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);
        var review = await _consumers.Services.GetRequiredService<IReviewStore>().LatestAsync(1, iid, CancellationToken.None);
        var model = review!.Findings.Where(f => f.Rule == LlmReviewer.RuleId).ToList();
        Assert.Equal(
            [("web/cart.js", (int?)2, true), ("web/cart.js", 999, false)],
            model.Select(f => (f.Path, f.Line, f.DiscussionId is not null))
        );
        Assert.Contains(review.Findings, f => f.Rule == "debug-output" && f.DiscussionId is not null);
        Assert.Equal("openai", completed.Provider);
        var request = Assert.Single(_asked);
        var messages = request.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToList();
        Assert.Contains("Answer with JSON only", messages[0], StringComparison.Ordinal);
        Assert.Contains("+console.log(total([]));", messages[1], StringComparison.Ordinal);
        Assert.Contains("File: web/cart.js (new file)", messages[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_the_operation_as_unavailable_and_still_post_what_the_rules_found()
    {
        _answer = _ => Results.Json(new { error = new { message = "upstream exploded", type = "server_error" } }, statusCode: 500);
        var iid = await OpenAsync("llm-down", ("web/a.js", "console.log(1);\n"));
        var operation = Guid.NewGuid().ToString();

        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Source = ReviewSources.Rest,
                Again = true,
                OperationId = operation,
            }
        );

        var failed = await Harness.PublishedAsync<ReviewFailed>(m => m.MergeRequestIid == iid);
        Assert.Equal(ErrorCodes.ReviewUnavailable, failed.Code);
        Assert.Contains("the openai reviewer answered 500", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("upstream exploded", failed.Message, StringComparison.Ordinal);
        var events = await _consumers.Services.GetRequiredService<IOperationProgress>().ReadAsync(operation, CancellationToken.None);
        Assert.Equal(OperationEventTypes.Failed, events[^1].Type);
        Assert.Equal(ErrorCodes.ReviewUnavailable, events[^1].Data!.Value.GetProperty("code").GetString());
        var discussions = await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/discussions");
        var bodies = discussions!.Select(d => d.GetProperty("notes")[0].GetProperty("body").GetString()!).ToList();
        Assert.Contains(bodies, body => body.Contains("`debug-output`", StringComparison.Ordinal));
        Assert.Contains(
            bodies,
            body => body.Contains("could not review this change: the openai reviewer answered 500", StringComparison.Ordinal)
        );
        Assert.All(bodies, body => Assert.DoesNotContain(Key, body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_give_up_on_a_model_that_does_not_answer_in_time()
    {
        _delay = TimeSpan.FromSeconds(30);
        _answer = _ => Completion("""{"findings":[]}""");
        var iid = await OpenAsync("llm-slow", ("web/b.js", "export const b = 1;\n"));

        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Source = ReviewSources.Hook,
            }
        );

        var failed = await Harness.PublishedAsync<ReviewFailed>(m => m.MergeRequestIid == iid);
        Assert.Equal("the openai reviewer did not answer within 2 s", failed.Message);
    }

    [Fact]
    public async Task Should_answer_a_question_in_its_thread_without_repeating_a_secret()
    {
        _answer = body => Completion("It adds a total.\nThe key is AKIAZ7QW3ERTY5UIOPAS.");
        var iid = await OpenAsync("llm-ask", ("web/c.js", "export const c = 1;\n"));
        using var asked = await GitLab.PostAsJsonAsync(
            $"/api/v4/projects/1/merge_requests/{iid}/discussions",
            new { body = "/ask what does this change?" }
        );
        var thread = await asked.Content.ReadFromJsonAsync<JsonElement>();
        var noteId = thread.GetProperty("notes")[0].GetProperty("id").GetInt64();

        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Command = ReviewCommands.Ask,
                Question = "what does this change?",
                NoteId = noteId,
                DiscussionId = thread.GetProperty("id").GetString(),
                Again = true,
                Source = ReviewSources.Note,
            }
        );

        await Harness.ConsumedAsync<ReviewRequested>(m => m.NoteId == noteId);
        var replies = await EventuallyRepliesAsync(iid, thread.GetProperty("id").GetString()!);
        Assert.Contains("It adds a total.", replies[1], StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAZ7QW3ERTY5UIOPAS", replies[1], StringComparison.Ordinal);
        Assert.Contains(
            "Question: what does this change?",
            Assert.Single(_asked).GetProperty("messages")[1].GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Should_write_the_models_description_between_the_markers_above_the_outline()
    {
        _answer = _ => Completion("- Adds the cart total.\n- Logs it for now.");
        var iid = await OpenAsync("llm-describe", ("web/d.js", "export const d = 1;\n"));

        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Command = ReviewCommands.Describe,
                Again = true,
                Source = ReviewSources.Rest,
                OperationId = Guid.NewGuid().ToString(),
            }
        );

        await Harness.ConsumedAsync<ReviewRequested>(m => m.MergeRequestIid == iid && m.Command == ReviewCommands.Describe);
        var description = "";
        Assert.True(
            await GitLabBus.Tests.TestSupport.Gateway.GitLabDelivery.EventuallyAsync(async () =>
                (
                    description =
                        (await GitLab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}"))
                            .GetProperty("description")
                            .GetString()
                        ?? ""
                ).Contains(ReviewComments.OutlineEnd, StringComparison.Ordinal)
            )
        );
        Assert.Contains("- Adds the cart total.", description, StringComparison.Ordinal);
        Assert.True(
            description.IndexOf("- Adds the cart total.", StringComparison.Ordinal)
                < description.IndexOf("- `web/d.js` (added", StringComparison.Ordinal)
        );
        Assert.Contains(
            "You write the description",
            Assert.Single(_asked).GetProperty("messages")[0].GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Should_send_only_what_fits_the_budget_and_list_the_rest_in_the_summary()
    {
        _answer = _ => Completion("""{"findings":[]}""");
        var large = string.Concat(Enumerable.Range(0, 400).Select(i => $"export const value{i} = {i};\n"));
        var iid = await OpenAsync("llm-budget", ("web/large.js", large), ("web/small.js", "export const small = 1;\n"));

        await Harness.Bus.Publish(
            new ReviewRequested
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Source = ReviewSources.Hook,
            }
        );

        await Harness.PublishedAsync<ReviewCompleted>(m => m.MergeRequestIid == iid);
        var review = await _consumers.Services.GetRequiredService<IReviewStore>().LatestAsync(1, iid, CancellationToken.None);
        var skipped = Assert.Single(review!.SkippedFiles);
        Assert.Equal("web/large.js", skipped.Path);
        Assert.StartsWith("over the diff budget", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("`web/large.js` (over the diff budget", review.Summary, StringComparison.Ordinal);
        var sent = Assert.Single(_asked).GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.Contains("File: web/small.js", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("File: web/large.js", sent, StringComparison.Ordinal);
        Assert.Contains("Not shown: web/large.js", sent, StringComparison.Ordinal);
    }

    private async Task<List<string>> EventuallyRepliesAsync(long iid, string discussionId)
    {
        List<string> notes = [];
        Assert.True(
            await GitLabBus.Tests.TestSupport.Gateway.GitLabDelivery.EventuallyAsync(async () =>
            {
                var discussion = await GitLab.GetFromJsonAsync<JsonElement>(
                    $"/api/v4/projects/1/merge_requests/{iid}/discussions/{discussionId}"
                );
                notes = [.. discussion.GetProperty("notes").EnumerateArray().Select(note => note.GetProperty("body").GetString()!)];
                return notes.Count == 2;
            })
        );
        return notes;
    }

    private async Task<long> OpenAsync(string branch, params (string Path, string Content)[] files)
    {
        await GitLab.CommitAsync(branch, "main", files);
        return await GitLab.OpenMergeRequestAsync(branch, $"Change on {branch}");
    }

    private static IResult Completion(string content) =>
        Results.Json(
            new
            {
                id = "chatcmpl-test",
                @object = "chat.completion",
                created = 1_764_000_000,
                model = "gpt-4o-mini",
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        message = new { role = "assistant", content },
                        finish_reason = "stop",
                    },
                },
                usage = new
                {
                    prompt_tokens = 120,
                    completion_tokens = 30,
                    total_tokens = 150,
                },
            }
        );
}
