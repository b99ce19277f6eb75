using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Consumers.Backlog;
using GitLabBus.Contracts;
using GitLabBus.Tests.TestSupport;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Backlog;

/// <summary>
/// The apply consumer on the embedded bus against a GitLab simulator over HTTP, one step at a time as the saga asks.
/// The demo: group <c>demo</c> (epics, labels bug, feature, backend, frontend), project <c>demo/shop</c> (id 1, label
/// priority::high), and <c>community/plugins</c> (id 2) whose group has no epics.
/// </summary>
public sealed class When_backlog_items_are_applied : IAsyncLifetime
{
    private readonly ForgetfulLedger _ledger = new();
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync() =>
        _consumers = await ConsumersAgainstSimulator.StartAsync(services => services.AddSingleton<IBacklogApplyLedger>(_ledger));

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_create_the_epics_then_issues_linked_to_them_in_opened_state()
    {
        var checkout = Id((await GitLabAsync("/api/v4/groups/1/epics?search=Checkout%20overhaul")).EnumerateArray().Single());
        var epics = await StepAsync(
            Epics(
                "op-create",
                new BacklogEpicInput
                {
                    Title = "Payments",
                    Description = "Take money",
                    Labels = ["feature"],
                }
            )
        );
        var issues = await StepAsync(
            Issues(
                "op-create",
                epics.Results,
                new BacklogIssueInput
                {
                    Title = "Card payments",
                    Labels = ["backend", "priority::high"],
                    EpicId = "new:0",
                },
                new BacklogIssueInput { Title = "Invoices", EpicId = checkout }
            )
        );

        var epic = Assert.Single(epics.Results);
        Assert.Equal("created", epic.Action);
        var created = await GitLabAsync($"/api/v4/groups/1/epics?search={Uri.EscapeDataString("Payments")}");
        var stored = Assert.Single(created.EnumerateArray());
        Assert.Equal(("Payments", "opened"), (stored.GetProperty("title").GetString(), stored.GetProperty("state").GetString()));
        Assert.StartsWith("Take money\n\n<!-- gitlabbus-apply-", stored.GetProperty("description").GetString(), StringComparison.Ordinal);

        Assert.Equal(["created", "created"], issues.Results.Select(r => r.Action));
        var card = await IssueAsync(issues.Results[0].Id);
        Assert.Equal(long.Parse(epic.Id), card.GetProperty("epic").GetProperty("id").GetInt64());
        Assert.Equal(["backend", "priority::high"], card.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(checkout, Id((await IssueAsync(issues.Results[1].Id)).GetProperty("epic")));
        Assert.Empty(issues.Errors);
        Assert.Empty(issues.Warnings);
    }

    [Fact]
    public async Task Should_update_only_what_differs_reopen_closed_items_and_leave_equal_ones_unchanged()
    {
        var cart = await FindIssueAsync("Cart total ignores discounts");
        var readme = await FindIssueAsync("Update README with setup steps");
        var applied = await StepAsync(
            Issues(
                "op-update",
                [],
                new BacklogIssueInput
                {
                    Id = Id(cart),
                    Title = "Cart total ignores discounts",
                    Description = "Cart total ignores discounts.",
                    Labels = ["bug", "backend"],
                },
                new BacklogIssueInput
                {
                    Id = Id(readme),
                    Title = "Update README with setup and run steps",
                    Description = "Update README with setup steps.",
                }
            )
        );

        Assert.Equal(["unchanged", "updated"], applied.Results.Select(r => r.Action));
        var after = await IssueAsync(Id(readme));
        Assert.Equal(
            ("Update README with setup and run steps", "opened"),
            (after.GetProperty("title").GetString(), after.GetProperty("state").GetString())
        );
        Assert.Equal(cart.GetProperty("updated_at").GetString(), (await IssueAsync(Id(cart))).GetProperty("updated_at").GetString());
    }

    [Fact]
    public async Task Should_ignore_unknown_labels_and_say_so_in_a_warning()
    {
        var applied = await StepAsync(Issues("op-labels", [], new BacklogIssueInput { Title = "Labelled", Labels = ["BUG", "made-up"] }));

        var warning = Assert.Single(applied.Warnings);
        Assert.Equal(("issue", 0), (warning.Scope, warning.InputIndex));
        Assert.Contains("'made-up'", warning.Message, StringComparison.Ordinal);
        Assert.Equal(["bug"], (await IssueAsync(applied.Results[0].Id)).GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.DoesNotContain(
            (await GitLabAsync("/api/v4/projects/1/labels?per_page=100")).EnumerateArray(),
            label => label.GetProperty("name").GetString() == "made-up"
        );
    }

    [Fact]
    public async Task Should_report_each_refused_item_with_gitlabs_status_and_apply_the_rest()
    {
        var applied = await StepAsync(
            Issues(
                "op-partial",
                [],
                new BacklogIssueInput { Id = "999999", Title = "Not there" },
                new BacklogIssueInput { Title = "In a missing epic", EpicId = "999998" },
                new BacklogIssueInput { Title = "Fine" }
            )
        );

        Assert.Equal([(0, 404), (1, 404)], applied.Errors.Select(e => (e.InputIndex, e.GitLabStatus ?? 0)));
        Assert.Equal((2, "created"), (Assert.Single(applied.Results).InputIndex, applied.Results[0].Action));
    }

    [Fact]
    public async Task Should_not_create_twice_when_gitlabs_answer_was_never_recorded()
    {
        _ledger.Forget = true;
        var step = Issues(
            "op-crash",
            [],
            new BacklogIssueInput { Title = "Crash window A" },
            new BacklogIssueInput { Title = "Crash window B" }
        );
        var first = await StepAsync(step);
        _ledger.Forget = false;

        var second = await StepAsync(step);

        Assert.Equal(first.Results.Select(r => r.Id), second.Results.Select(r => r.Id));
        Assert.Single((await GitLabAsync("/api/v4/projects/1/issues?search=Crash%20window%20A")).EnumerateArray());
        Assert.Single((await GitLabAsync("/api/v4/projects/1/issues?search=Crash%20window%20B")).EnumerateArray());
    }

    [Fact]
    public async Task Should_plan_without_writing_on_a_dry_run()
    {
        var cart = await FindIssueAsync("Cart total ignores discounts");
        var before = await CountsAsync();
        var epics = await StepAsync(Epics("op-dry", new BacklogEpicInput { Title = "Dry epic" }) with { DryRun = true });
        var issues = await StepAsync(
            Issues(
                "op-dry",
                epics.Results,
                new BacklogIssueInput { Title = "Dry issue", EpicId = "new:0" },
                new BacklogIssueInput
                {
                    Id = Id(cart),
                    Title = "Cart total ignores all discounts",
                    Labels = ["bug"],
                }
            ) with
            {
                DryRun = true,
            }
        );

        Assert.Equal(("created", "(pending)", "(pending)"), (epics.Results[0].Action, epics.Results[0].Id, epics.Results[0].WebUrl));
        Assert.Equal(["created", "updated"], issues.Results.Select(r => r.Action));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal("Cart total ignores discounts", (await IssueAsync(Id(cart))).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Should_answer_the_earlier_apply_of_the_prompt_and_write_nothing()
    {
        var key = new BacklogApplyKey("1", "prompt-op-earlier");
        var earlier = new BacklogApplied
        {
            OperationId = "first",
            Epics = [new BacklogItemResult(0, "created", "7", "http://gitlab/epics/7")],
        };
        await _ledger.ClaimAsync(key, "first", TimeSpan.FromHours(1), CancellationToken.None);
        await _ledger.CompleteAsync(key, earlier, CancellationToken.None);

        var answered = await StepAsync(Epics("op-earlier", new BacklogEpicInput { Title = "Never written" }));

        Assert.Equal(earlier.Epics, answered.Earlier!.Epics);
        Assert.Empty((await GitLabAsync("/api/v4/groups/1/epics?search=Never%20written")).EnumerateArray());
    }

    [Fact]
    public async Task Should_fail_the_step_when_gitlab_does_not_show_the_project()
    {
        var answered = await StepAsync(Epics("op-missing", new BacklogEpicInput { Title = "Anything" }) with { ProjectId = "404404" });

        Assert.Equal(("not_found", 404), (answered.Failure!.Code, answered.Failure.GitLabStatus ?? 0));
    }

    [Fact]
    public async Task Should_refuse_epics_and_leave_issues_unlinked_where_no_group_has_epics()
    {
        var epics = await StepAsync(Epics("op-free", new BacklogEpicInput { Title = "No epics here" }) with { ProjectId = "2" });
        var issues = await StepAsync(
            Issues("op-free", epics.Results, new BacklogIssueInput { Title = "Plugin docs", EpicId = "5" }) with
            {
                ProjectId = "2",
            }
        );

        Assert.Equal(403, Assert.Single(epics.Errors).GitLabStatus);
        Assert.Equal("created", Assert.Single(issues.Results).Action);
        Assert.Contains("not linked", Assert.Single(issues.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal(
            JsonValueKind.Null,
            (await GitLabAsync($"/api/v4/projects/2/issues?search=Plugin%20docs")).EnumerateArray().Single().GetProperty("epic").ValueKind
        );
    }

    [Fact]
    public async Task Should_refuse_to_record_an_apply_end_that_names_no_prompt()
    {
        var end = new BacklogApplied
        {
            OperationId = Guid.NewGuid().ToString(),
            ProjectId = "1",
            PromptId = "",
        };

        await Harness.Bus.Publish(end);

        var consumed = await Harness
            .Consumed.SelectAsync<BacklogApplied>(x => x.Context.Message.OperationId == end.OperationId)
            .FirstOrDefault();
        Assert.NotNull(consumed);
        Assert.Contains(
            "prompt_id is required",
            Assert.IsType<GitLabBus.Runtime.Bus.InvalidMessageException>(consumed.Exception).Message,
            StringComparison.Ordinal
        );
    }

    private async Task<BacklogItemsApplied> StepAsync(BacklogItemsApplyRequested step)
    {
        var before = Harness.PublishedSoFar<BacklogItemsApplied>().Where(x => x.Context.Message.OperationId == step.OperationId).Count();
        await Harness.Bus.Publish(step);
        BacklogItemsApplied? answer = null;
        Assert.True(
            await TestSupport.Gateway.GitLabDelivery.EventuallyAsync(() =>
            {
                answer = Harness
                    .PublishedSoFar<BacklogItemsApplied>()
                    .Where(x => x.Context.Message.OperationId == step.OperationId)
                    .Skip(before)
                    .FirstOrDefault()
                    ?.Context.Message;
                return Task.FromResult(answer is not null);
            }),
            $"no answer to the {step.Scope}s step of {step.OperationId}"
        );
        return answer!;
    }

    private static BacklogItemsApplyRequested Epics(string name, params BacklogEpicInput[] epics) =>
        new()
        {
            OperationId = Operation(name),
            ProjectId = "1",
            PromptId = $"prompt-{name}",
            Scope = "epic",
            Epics = epics,
        };

    private static BacklogItemsApplyRequested Issues(
        string name,
        IReadOnlyList<BacklogItemResult> epicResults,
        params BacklogIssueInput[] issues
    ) =>
        new()
        {
            OperationId = Operation(name),
            ProjectId = "1",
            PromptId = $"prompt-{name}",
            Scope = "issue",
            Issues = issues,
            EpicResults = epicResults,
        };

    /// <summary>The same name gives the same operation, as one apply's two steps share theirs.</summary>
    private static string Operation(string name) =>
        new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(name))).ToString();

    private static string Id(JsonElement item) =>
        item.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many epics and issues the simulator holds: what a dry run must leave as it is.</summary>
    private async Task<(int Epics, int Issues)> CountsAsync()
    {
        var state = await GitLabAsync("/_sim/state");
        return (state.GetProperty("epics").GetInt32(), state.GetProperty("issues").GetInt32());
    }

    private async Task<JsonElement> GitLabAsync(string path) => await GitLab.GetFromJsonAsync<JsonElement>(path);

    private async Task<JsonElement> FindIssueAsync(string title) =>
        (await GitLabAsync($"/api/v4/projects/1/issues?state=all&search={Uri.EscapeDataString(title)}"))
            .EnumerateArray()
            .Single(i => i.GetProperty("title").GetString() == title);

    private async Task<JsonElement> IssueAsync(string id) =>
        (await GitLabAsync("/api/v4/projects/1/issues?state=all&per_page=100")).EnumerateArray().Single(i => Id(i) == id);

    /// <summary>The embedded ledger, able to lose every item record: a crash between GitLab's answer and our record of it.</summary>
    private sealed class ForgetfulLedger : IBacklogApplyLedger
    {
        private readonly InMemoryBacklogApplyLedger _inner = new(
            new BacklogApplySettings(TimeSpan.FromHours(1), TimeSpan.FromSeconds(30)),
            TimeProvider.System
        );

        public volatile bool Forget;

        public Task<BacklogApplyClaim> ClaimAsync(
            BacklogApplyKey key,
            string operationId,
            TimeSpan hold,
            CancellationToken cancellationToken
        ) => _inner.ClaimAsync(key, operationId, hold, cancellationToken);

        public Task ReleaseAsync(BacklogApplyKey key, string operationId, CancellationToken cancellationToken) =>
            _inner.ReleaseAsync(key, operationId, cancellationToken);

        public Task CompleteAsync(BacklogApplyKey key, BacklogApplied response, CancellationToken cancellationToken) =>
            _inner.CompleteAsync(key, response, cancellationToken);

        public Task<long> BeginStepAsync(BacklogApplyKey key, string scope, CancellationToken cancellationToken) =>
            _inner.BeginStepAsync(key, scope, cancellationToken);

        public Task<IReadOnlyDictionary<int, BacklogItemRecord>> ItemsAsync(
            BacklogApplyKey key,
            string scope,
            CancellationToken cancellationToken
        ) => _inner.ItemsAsync(key, scope, cancellationToken);

        public Task RecordAsync(
            BacklogApplyKey key,
            string scope,
            IReadOnlyList<BacklogItemRecord> records,
            CancellationToken cancellationToken
        ) => Forget ? Task.CompletedTask : _inner.RecordAsync(key, scope, records, cancellationToken);
    }
}
