using System.Text;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab.Repository;

/// <summary>The repository as the merge queue drives it, API only: files, commits with actions, cherry-picks, compare.</summary>
public sealed class When_the_repository_is_used_through_the_api : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    private GitLabClient Client => _gitlab.Client();

    [Fact]
    public async Task Should_create_a_file_and_read_it_back_as_base64_and_raw()
    {
        var written = await Client.CreateFileAsync(
            1,
            "docs/notes.md",
            new GitLabFileChange("main", "Add notes") { Content = "# Notes\nsé\n" },
            CancellationToken.None
        );

        var file = await Client.GetFileAsync(1, "docs/notes.md", "main", CancellationToken.None);
        var raw = await Client.GetRawFileAsync(1, "docs/notes.md", "main", CancellationToken.None);
        var head = await Client.GetBranchAsync(1, "main", CancellationToken.None);

        Assert.Equal(("docs/notes.md", "main"), (written.FilePath, written.Branch));
        Assert.Equal(("notes.md", "base64", "# Notes\nsé\n"), (file.FileName, file.Encoding, file.Text()));
        Assert.Equal(Encoding.UTF8.GetBytes("# Notes\nsé\n"), raw);
        Assert.Equal(head.Commit.Id, file.LastCommitId);
    }

    [Fact]
    public async Task Should_refuse_a_file_that_exists_already_or_not_at_all_and_keep_the_branch_as_it_was()
    {
        var before = await Client.GetBranchAsync(1, "main", CancellationToken.None);

        var twice = await Assert.ThrowsAsync<GitLabException>(() =>
            Client.CreateFileAsync(1, "src/cart.py", new GitLabFileChange("main", "Again") { Content = "x" }, CancellationToken.None)
        );
        var missing = await Assert.ThrowsAsync<GitLabException>(() =>
            Client.CreateCommitAsync(
                1,
                new NewGitLabCommit("main", "Edit a ghost", [GitLabCommitAction.Update("src/ghost.py", "x")]),
                CancellationToken.None
            )
        );
        var after = await Client.GetBranchAsync(1, "main", CancellationToken.None);

        Assert.Equal((GitLabErrorKind.Validation, "A file with this name already exists"), (twice.Kind, twice.GitLabMessage));
        Assert.Equal((GitLabErrorKind.Validation, "A file with this name doesn't exist"), (missing.Kind, missing.GitLabMessage));
        Assert.Equal(before.Commit.Id, after.Commit.Id);
    }

    [Fact]
    public async Task Should_list_the_tree_folders_first_and_the_commits_with_their_parents()
    {
        var commit = await Client.CreateCommitAsync(
            1,
            new NewGitLabCommit("feature", "Add a coupon module", [GitLabCommitAction.Create("src/coupons.py", "COUPONS = {}\n")])
            {
                StartBranch = "main",
            },
            CancellationToken.None
        );

        var root = await Client.ListTreeAsync(1, null, "feature", false, CancellationToken.None).ToListAsync();
        var everything = await Client.ListTreeAsync(1, null, "feature", true, CancellationToken.None).ToListAsync();
        var commits = await Client.ListCommitsAsync(1, "feature", null, CancellationToken.None).ToListAsync();
        var main = await Client.GetBranchAsync(1, "main", CancellationToken.None);

        Assert.Equal(["src", "tests", ".gitlab-ci.yml", "README.md"], root.Select(entry => entry.Name));
        Assert.Equal(("tree", "040000"), (root[0].Type, root[0].Mode));
        Assert.Contains(everything, entry => entry is { Path: "src/coupons.py", Type: "blob", Mode: "100644" });
        Assert.Equal(commit.Id, commits[0].Id);
        Assert.Equal([main.Commit.Id], commits[0].ParentIds);
        Assert.Equal((1, 0), (commit.Stats!.Additions, commit.Stats.Deletions));
    }

    [Fact]
    public async Task Should_cherry_pick_a_commit_and_refuse_one_that_conflicts_or_is_already_there()
    {
        var express = await Client.GetBranchAsync(1, "express-checkout", CancellationToken.None);
        var speedup = await Client.GetBranchAsync(1, "checkout-speedup", CancellationToken.None);
        await Client.CreateBranchAsync(1, "batch", "main", CancellationToken.None);

        var dryRun = await Client.CherryPickDryRunAsync(1, express.Commit.Id, "batch", CancellationToken.None);
        var picked = await Client.CherryPickAsync(1, express.Commit.Id, "batch", null, CancellationToken.None);
        var conflict = await Assert.ThrowsAsync<GitLabException>(() =>
            Client.CherryPickAsync(1, speedup.Commit.Id, "batch", null, CancellationToken.None)
        );
        var empty = await Assert.ThrowsAsync<GitLabException>(() =>
            Client.CherryPickAsync(1, express.Commit.Id, "batch", null, CancellationToken.None)
        );
        var file = await Client.GetFileAsync(1, "src/checkout.py", "batch", CancellationToken.None);

        Assert.Equal("success", dryRun.DryRun);
        Assert.Contains($"(cherry picked from commit {express.Commit.Id})", picked.Message, StringComparison.Ordinal);
        Assert.Equal((GitLabErrorKind.Conflict, "conflict"), (conflict.Kind, conflict.ErrorCode));
        Assert.Equal((GitLabErrorKind.Validation, "empty"), (empty.Kind, empty.ErrorCode));
        Assert.Contains("express: bool = False", file.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_compare_from_the_merge_base_unless_asked_for_a_straight_comparison()
    {
        await Client.CreateFileAsync(
            1,
            "CHANGELOG.md",
            new GitLabFileChange("main", "Changelog") { Content = "1.0\n" },
            CancellationToken.None
        );

        var threeDot = await Client.CompareAsync(1, "main", "fix-cart-discounts", straight: false, CancellationToken.None);
        var straight = await Client.CompareAsync(1, "main", "fix-cart-discounts", straight: true, CancellationToken.None);

        Assert.Equal(["src/cart.py", "src/checkout.py"], threeDot.Diffs.Select(diff => diff.NewPath));
        Assert.Single(threeDot.Commits);
        Assert.Contains(straight.Diffs, diff => diff is { OldPath: "CHANGELOG.md", DeletedFile: true });
        Assert.Contains("+        return max(0.0, gross - sum(self.discounts))", threeDot.Diffs[0].Diff, StringComparison.Ordinal);
    }
}
