using GitLabBus.Consumers.Backlog;
using GitLabBus.Contracts;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IBacklogApplyLedger"/> must do; in memory here, on a real Redis in the integration tests.</summary>
public abstract class BacklogApplyLedgerSpecification
{
    protected static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    protected static BacklogApplySettings Settings => new(Ttl, TimeSpan.FromSeconds(30));

    protected abstract IBacklogApplyLedger Ledger { get; }

    private static BacklogApplyKey NewKey() => new("demo%2FShop", $"prompt-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_first_operation_holds_a_prompt_and_later_ones_are_told_who_does()
    {
        var key = NewKey();

        var first = await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        var second = await Ledger.ClaimAsync(key, "op-2", Ttl, CancellationToken.None);
        var again = await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);

        Assert.Equal(("op-1", "op-1", "op-1"), (first.OperationId, second.OperationId, again.OperationId));
        Assert.Null(second.Response);
    }

    [Fact]
    public async Task The_same_project_named_differently_is_the_same_prompt()
    {
        var key = NewKey();

        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        var other = await Ledger.ClaimAsync(new BacklogApplyKey("demo/shop", key.PromptId), "op-2", Ttl, CancellationToken.None);

        Assert.Equal("op-1", other.OperationId);
    }

    [Fact]
    public async Task A_completed_prompt_answers_its_response_to_every_later_claim()
    {
        var key = NewKey();
        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        var response = new BacklogApplied
        {
            OperationId = "op-1",
            Epics = [new BacklogItemResult(0, "created", "42", "http://gitlab/epics/1")],
            Errors = [new BacklogItemError("issue", 3, "title is missing", 400)],
            Warnings = [new BacklogItemWarning("issue", 1, "label 'x' does not exist")],
        };

        await Ledger.CompleteAsync(key, response, CancellationToken.None);
        var later = await Ledger.ClaimAsync(key, "op-2", Ttl, CancellationToken.None);

        Assert.Equal("op-1", later.OperationId);
        Assert.NotNull(later.Response);
        Assert.Equal(response.Epics, later.Response.Epics);
        Assert.Equal(response.Errors, later.Response.Errors);
        Assert.Equal(response.Warnings, later.Response.Warnings);
    }

    [Fact]
    public async Task A_released_prompt_can_be_claimed_again_but_only_its_holder_releases_it()
    {
        var key = NewKey();
        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);

        await Ledger.ReleaseAsync(key, "op-2", CancellationToken.None);
        var stillHeld = await Ledger.ClaimAsync(key, "op-3", Ttl, CancellationToken.None);
        await Ledger.ReleaseAsync(key, "op-1", CancellationToken.None);
        var reclaimed = await Ledger.ClaimAsync(key, "op-3", Ttl, CancellationToken.None);

        Assert.Equal("op-1", stillHeld.OperationId);
        Assert.Equal("op-3", reclaimed.OperationId);
    }

    [Fact]
    public async Task Item_records_are_kept_per_step_and_survive_a_release()
    {
        var key = NewKey();
        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        var epic = new BacklogItemRecord(0, new BacklogItemResult(0, "created", "7", "http://gitlab/epics/7"), null, []);
        var secondEpic = new BacklogItemRecord(1, new BacklogItemResult(1, "unchanged", "8", "http://gitlab/epics/8"), null, []);
        var issue = new BacklogItemRecord(
            2,
            null,
            new BacklogItemError("issue", 2, "refused", 422),
            [new BacklogItemWarning("issue", 2, "label 'x' ignored")]
        );

        await Ledger.RecordAsync(key, "epic", [epic, secondEpic], CancellationToken.None);
        await Ledger.RecordAsync(key, "issue", [issue], CancellationToken.None);
        await Ledger.ReleaseAsync(key, "op-1", CancellationToken.None);
        var epics = await Ledger.ItemsAsync(key, "epic", CancellationToken.None);
        var issues = await Ledger.ItemsAsync(key, "issue", CancellationToken.None);

        Assert.Equal([epic.Result, secondEpic.Result], epics.OrderBy(e => e.Key).Select(e => e.Value.Result));
        var recorded = Assert.Single(issues);
        Assert.Equal(2, recorded.Key);
        Assert.Equal(issue.Error, recorded.Value.Error);
        Assert.Equal(issue.Warnings, recorded.Value.Warnings);
    }

    [Fact]
    public async Task Each_start_of_a_step_is_counted_separately()
    {
        var key = NewKey();

        var epicsFirst = await Ledger.BeginStepAsync(key, "epic", CancellationToken.None);
        var epicsAgain = await Ledger.BeginStepAsync(key, "epic", CancellationToken.None);
        var issuesFirst = await Ledger.BeginStepAsync(key, "issue", CancellationToken.None);

        Assert.Equal((1, 2, 1), (epicsFirst, epicsAgain, issuesFirst));
    }
}
