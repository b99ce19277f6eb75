using System.Net.Http.Json;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.GitLab.Repository;

/// <summary>
/// Merging on real trees: the demo's !1 changes other lines of src/checkout.py than !2, and !2 and !3 change the same ones.
/// </summary>
public sealed class When_merge_requests_land : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public async Task InitializeAsync()
    {
        await _gitlab.InitializeAsync();
        await _gitlab.Admin.PostAsJsonAsync("/_sim/clock", new { speed = 200 });
    }

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    private GitLabClient Client => _gitlab.Client();

    [Fact]
    public async Task Should_merge_two_that_change_different_lines_of_one_file()
    {
        var first = await Client.MergeMergeRequestAsync(1, 1, new GitLabMergeOptions(), CancellationToken.None);
        var second = await Client.MergeMergeRequestAsync(1, 2, new GitLabMergeOptions(), CancellationToken.None);
        var checkout = (await Client.GetFileAsync(1, "src/checkout.py", "main", CancellationToken.None)).Text();
        var merge = await Client.GetCommitAsync(1, second.MergeCommitSha!, CancellationToken.None);

        Assert.Equal(("merged", "merged"), (first.State, second.State));
        Assert.Contains("discounts applied", checkout, StringComparison.Ordinal);
        Assert.Contains("express: bool = False", checkout, StringComparison.Ordinal);
        Assert.Equal([first.MergeCommitSha!, second.Sha!], merge.ParentIds);
        Assert.StartsWith("Merge branch 'express-checkout' into 'main'", merge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_the_second_of_two_that_change_the_same_lines()
    {
        await Client.UpdateMergeRequestAsync(1, 3, new GitLabMergeRequestUpdate { Title = "Speed up checkout" }, CancellationToken.None);
        var before = await Client.GetMergeRequestAsync(1, 3, false, CancellationToken.None);
        await Client.MergeMergeRequestAsync(1, 2, new GitLabMergeOptions(), CancellationToken.None);

        var after = await Client.GetMergeRequestAsync(1, 3, false, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<GitLabException>(() =>
            Client.MergeMergeRequestAsync(1, 3, new GitLabMergeOptions(), CancellationToken.None)
        );
        var mergeRef = await Assert.ThrowsAsync<GitLabException>(() => Client.GetMergeRefAsync(1, 3, CancellationToken.None));

        Assert.Equal(("mergeable", false), (before.DetailedMergeStatus, before.HasConflicts));
        Assert.Equal(("conflict", true), (after.DetailedMergeStatus, after.HasConflicts));
        Assert.Equal(GitLabErrorKind.State, refused.Kind);
        Assert.Equal(("Merge request is not mergeable", GitLabErrorKind.Validation), (mergeRef.GitLabMessage, mergeRef.Kind));
    }

    [Fact]
    public async Task Should_fast_forward_a_squashed_merge_request_when_the_project_says_ff()
    {
        await Client.UpdateProjectSettingsAsync(1, new GitLabProjectSettings { MergeMethod = "ff" }, CancellationToken.None);
        var target = await Client.GetBranchAsync(1, "main", CancellationToken.None);

        var merged = await Client.MergeMergeRequestAsync(1, 1, new GitLabMergeOptions { Squash = true }, CancellationToken.None);
        var head = await Client.GetBranchAsync(1, "main", CancellationToken.None);
        var squash = await Client.GetCommitAsync(1, merged.SquashCommitSha!, CancellationToken.None);

        Assert.Null(merged.MergeCommitSha);
        Assert.Equal(merged.SquashCommitSha, head.Commit.Id);
        Assert.Equal([target.Commit.Id], squash.ParentIds);
        Assert.Equal("Apply discounts to the cart total", squash.Title);
    }

    [Fact]
    public async Task Should_mark_a_merge_request_merged_when_its_head_reaches_the_target_through_another()
    {
        var source = await Client.GetBranchAsync(1, "fix-cart-discounts", CancellationToken.None);
        await Client.CreateBranchAsync(1, "merge-batch", source.Commit.Id, CancellationToken.None);
        var batch = await Client.CreateMergeRequestAsync(
            1,
            new NewGitLabMergeRequest("merge-batch", "main", "Batch: !1"),
            CancellationToken.None
        );

        await Client.MergeMergeRequestAsync(1, batch.Iid, new GitLabMergeOptions(), CancellationToken.None);
        var first = await Client.GetMergeRequestAsync(1, 1, false, CancellationToken.None);
        var commits = await Client.ListMergeRequestCommitsAsync(1, 1, CancellationToken.None).ToListAsync();

        Assert.Equal("merged", first.State);
        Assert.Equal([source.Commit.Id], commits.Select(commit => commit.Id));
    }

    [Fact]
    public async Task Should_rebase_onto_a_moved_target_with_a_skipped_pipeline_when_asked_to_skip_ci()
    {
        var merged = await Client.MergeMergeRequestAsync(1, 1, new GitLabMergeOptions(), CancellationToken.None);
        await Client.RebaseMergeRequestAsync(1, 2, skipCi: true, CancellationToken.None);
        GitLabMergeRequest rebased = null!;
        await GitLabDelivery.EventuallyAsync(
            async () => (rebased = await Client.GetMergeRequestAsync(1, 2, true, CancellationToken.None)).RebaseInProgress == false,
            TimeSpan.FromSeconds(30)
        );
        var head = await Client.GetCommitAsync(1, rebased.Sha!, CancellationToken.None);

        Assert.Equal([merged.MergeCommitSha!], head.ParentIds);
        Assert.Equal("skipped", rebased.HeadPipeline!.Status);
        Assert.Equal("mergeable", rebased.DetailedMergeStatus);
    }
}
