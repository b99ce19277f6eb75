using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab;

/// <summary>The merge settings of a project, read and set through GitLab's <c>PUT /projects/:id</c>, and what they change.</summary>
public sealed class When_project_settings_change : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    [Fact]
    public async Task Should_keep_the_merge_settings_and_refuse_a_value_gitlab_does_not_know()
    {
        var client = _gitlab.Client();

        var updated = await client.UpdateProjectSettingsAsync(
            1,
            new GitLabProjectSettings
            {
                MergeMethod = "rebase_merge",
                SquashOption = "always",
                AllowMergeOnSkippedPipeline = true,
            },
            CancellationToken.None
        );
        var unknown = await Assert.ThrowsAsync<GitLabException>(() =>
            client.UpdateProjectSettingsAsync(1, new GitLabProjectSettings { MergeMethod = "octopus" }, CancellationToken.None)
        );
        var read = await client.GetProjectAsync(1, CancellationToken.None);

        Assert.Equal(("rebase_merge", "always", true), (updated.MergeMethod, updated.SquashOption, updated.AllowMergeOnSkippedPipeline));
        Assert.Equal((GitLabErrorKind.Validation, "merge_method does not have a valid value"), (unknown.Kind, unknown.GitLabMessage));
        Assert.Equal("rebase_merge", read.MergeMethod);
    }

    [Fact]
    public async Task Should_hold_a_merge_until_its_pipeline_succeeded_when_the_project_says_so()
    {
        var client = _gitlab.Client();
        await client.UpdateProjectSettingsAsync(
            1,
            new GitLabProjectSettings { OnlyAllowMergeIfPipelineSucceeds = true },
            CancellationToken.None
        );

        // A new commit on !1's branch starts its pipeline, which runs for a while at the simulator's normal clock.
        await client.CreateCommitAsync(
            1,
            new NewGitLabCommit(
                "fix-cart-discounts",
                "Note the discount rules",
                [new GitLabCommitAction("create", "docs/discounts.md") { Content = "Discounts apply to the total.\n" }]
            ),
            CancellationToken.None
        );
        var mr = await client.GetMergeRequestAsync(1, 1, false, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<GitLabException>(() =>
            client.MergeMergeRequestAsync(1, 1, new GitLabMergeOptions(), CancellationToken.None)
        );

        Assert.Equal("ci_still_running", mr.DetailedMergeStatus);
        Assert.Equal(GitLabErrorKind.State, refused.Kind);
    }
}
