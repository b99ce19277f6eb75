using System.Net.Http.Json;
using GitLabBus.Consumers.MergeQueue;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Consumers.MergeQueue;

/// <summary>
/// A batch in GitLab, API only, on the simulator's real repository: the demo's !1 and !2 change different lines of
/// src/checkout.py, !2 and !3 the same ones.
/// </summary>
public sealed class When_a_merge_batch_is_built_and_landed : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public async Task InitializeAsync()
    {
        await _gitlab.InitializeAsync();
        await _gitlab.Admin.PostAsJsonAsync("/_sim/clock", new { speed = 300 });
    }

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    private GitLabClient Client => _gitlab.Client();

    private MergeBatchWorkspace Workspace => new(Client);

    [Fact]
    public async Task Should_land_the_tested_tree_and_merge_every_merge_request_of_the_batch()
    {
        var plan = await PlanAsync(1, 1, 2);

        var built = await Workspace.BuildAsync(plan, CancellationToken.None);
        var pipeline = await Workspace.StartPipelineAsync(1, built, CancellationToken.None);
        var again = await Workspace.StartPipelineAsync(1, built, CancellationToken.None);
        await FinishedAsync(pipeline.Id);
        var landing = await Workspace.LandAsync(plan, built, CancellationToken.None);
        var target = await Client.GetBranchAsync(1, "main", CancellationToken.None);
        var difference = await Client.CompareAsync(1, built.HeadSha, target.Commit.Id, straight: true, CancellationToken.None);

        Assert.Equal([1L, 2L], built.Included);
        Assert.Empty(built.Excluded);
        Assert.Equal((pipeline.Id, built.HeadSha), (again.Id, pipeline.Sha));
        Assert.Equal(LandingOutcome.Landed, landing.Outcome);
        Assert.Equal([1L, 2L], landing.Merged);
        Assert.Empty(difference.Diffs);
    }

    [Fact]
    public async Task Should_leave_out_a_merge_request_that_conflicts_with_one_before_it()
    {
        await Client.UpdateMergeRequestAsync(1, 3, new GitLabMergeRequestUpdate { Title = "Speed up checkout" }, CancellationToken.None);
        var plan = await PlanAsync(1, 2, 3);

        var built = await Workspace.BuildAsync(plan, CancellationToken.None);
        var third = await Client.GetMergeRequestAsync(1, 3, false, CancellationToken.None);
        var steps = await Client
            .ListMergeRequestsAsync(1, new WorkItemFilter { State = "all", TargetBranch = plan.Branch }, CancellationToken.None)
            .ToListAsync();

        Assert.Equal([2L], built.Included);
        Assert.Equal((3L, BatchExclusionReason.Conflict), (built.Excluded.Single().Iid, built.Excluded.Single().Reason));
        Assert.Equal("opened", third.State);
        Assert.Equal(["merged", "closed"], steps.OrderBy(step => step.Iid).Select(step => step.State));
    }

    [Fact]
    public async Task Should_repeat_no_write_when_the_same_batch_is_built_again()
    {
        var plan = await PlanAsync(1, 1, 2);

        var first = await Workspace.BuildAsync(plan, CancellationToken.None);
        var second = await Workspace.BuildAsync(plan, CancellationToken.None);
        var intoBatch = await Client
            .ListMergeRequestsAsync(1, new WorkItemFilter { State = "all", TargetBranch = plan.Branch }, CancellationToken.None)
            .ToListAsync();
        var batches = await Client
            .ListMergeRequestsAsync(1, new WorkItemFilter { State = "all", SourceBranch = plan.Branch }, CancellationToken.None)
            .ToListAsync();

        Assert.Equal((first.HeadSha, first.MergeRequestIid), (second.HeadSha, second.MergeRequestIid));
        Assert.Equal(2, intoBatch.Count);
        Assert.Single(batches);
        Assert.Contains(MergeBatchNames.BatchLabel, batches[0].Labels);
    }

    [Fact]
    public async Task Should_merge_nothing_when_the_target_moved_outside_the_queue()
    {
        var plan = await PlanAsync(1, 1);
        var built = await Workspace.BuildAsync(plan, CancellationToken.None);
        await Client.MergeMergeRequestAsync(1, 2, new GitLabMergeOptions(), CancellationToken.None);

        var landing = await Workspace.LandAsync(plan, built, CancellationToken.None);
        var first = await Client.GetMergeRequestAsync(1, 1, false, CancellationToken.None);

        Assert.Equal(LandingOutcome.TargetMoved, landing.Outcome);
        Assert.Equal("opened", first.State);
    }

    [Fact]
    public async Task Should_land_a_speculative_batch_built_on_the_one_ahead()
    {
        var ahead = await PlanAsync(1, 1);
        var builtAhead = await Workspace.BuildAsync(ahead, CancellationToken.None);
        var behind = await PlanAsync(2, 2) with { BaseSha = builtAhead.HeadSha };
        var builtBehind = await Workspace.BuildAsync(behind, CancellationToken.None);

        var first = await Workspace.LandAsync(ahead, builtAhead, CancellationToken.None);
        var second = await Workspace.LandAsync(behind, builtBehind, CancellationToken.None);
        var checkout = await Client.GetFileAsync(1, "src/checkout.py", "main", CancellationToken.None);

        Assert.Equal((LandingOutcome.Landed, LandingOutcome.Landed), (first.Outcome, second.Outcome));
        Assert.Contains("discounts applied", checkout.Text(), StringComparison.Ordinal);
        Assert.Contains("express: bool = False", checkout.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_find_a_landing_made_before_a_crash_and_clean_up_after_it()
    {
        var plan = await PlanAsync(1, 1, 2);
        var built = await Workspace.BuildAsync(plan, CancellationToken.None);
        var landed = await Workspace.LandAsync(plan, built, CancellationToken.None);

        var resumed = await Workspace.LandAsync(plan, built, CancellationToken.None);
        await Workspace.CleanUpAsync(plan, CancellationToken.None);
        await Workspace.CleanUpAsync(plan, CancellationToken.None);
        var gone = await Assert.ThrowsAsync<GitLabException>(() => Client.GetBranchAsync(1, plan.Branch, CancellationToken.None));
        var commits = await Client.ListCommitsAsync(1, "main", null, CancellationToken.None).ToListAsync();

        Assert.Equal((LandingOutcome.Landed, landed.TargetSha), (resumed.Outcome, resumed.TargetSha));
        Assert.Single(commits, commit => commit.Title.StartsWith("Merge Assist batch 1", StringComparison.Ordinal));
        Assert.Equal(GitLabErrorKind.NotFound, gone.Kind);
    }

    [Fact]
    public async Task Should_cancel_the_pipeline_of_a_batch_discarded_while_it_tests()
    {
        await _gitlab.Admin.PostAsJsonAsync("/_sim/clock", new { speed = 1 });
        var plan = await PlanAsync(1, 1, 2);
        var built = await Workspace.BuildAsync(plan, CancellationToken.None);
        var pipeline = await Workspace.StartPipelineAsync(1, built, CancellationToken.None);

        await Workspace.CleanUpAsync(plan, CancellationToken.None);

        Assert.Equal("canceled", (await Client.GetPipelineAsync(1, pipeline.Id, CancellationToken.None)).Status);
        var target = await Client.GetBranchAsync(1, "main", CancellationToken.None);
        Assert.Equal(plan.BaseSha, target.Commit.Id);
    }

    private async Task<BatchPlan> PlanAsync(long number, params long[] iids)
    {
        var target = await Client.GetBranchAsync(1, "main", CancellationToken.None);
        var candidates = new List<BatchCandidate>();
        foreach (var iid in iids)
        {
            candidates.Add(new BatchCandidate(iid, (await Client.GetMergeRequestAsync(1, iid, false, CancellationToken.None)).Sha!));
        }

        return new BatchPlan(1, "main", number, target.Commit.Id, candidates);
    }

    private async Task FinishedAsync(long pipelineId) =>
        await GitLabDelivery.EventuallyAsync(
            async () => (await Client.GetPipelineAsync(1, pipelineId, CancellationToken.None)).Status == "success",
            TimeSpan.FromSeconds(30)
        );
}
