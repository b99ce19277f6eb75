using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Simulator;

/// <summary>
/// Content rules (<c>/_sim/pipelines/rules</c>): how a test says "this merge request breaks the build", whichever branch
/// its change lands on; and the repository's own lifecycle.
/// </summary>
public sealed class When_pipeline_outcomes_depend_on_content : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public async Task InitializeAsync()
    {
        await _gitlab.InitializeAsync();
        await _gitlab.Admin.PostAsJsonAsync("/_sim/clock", new { speed = 500 });
    }

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    private GitLabClient Client => _gitlab.Client();

    [Fact]
    public async Task Should_fail_exactly_the_pipelines_whose_tree_contains_the_text_on_any_branch()
    {
        await AddRuleAsync(
            new
            {
                project_id = 1,
                when_file_contains = new { path = "src/checkout.py", text = "express" },
                job = "test",
            }
        );
        var express = await Client.GetBranchAsync(1, "express-checkout", CancellationToken.None);
        await Client.CreateBranchAsync(1, "batch", "main", CancellationToken.None);
        await Client.CherryPickAsync(1, express.Commit.Id, "batch", null, CancellationToken.None);

        var onMain = await FinishedAsync(await Client.CreatePipelineAsync(1, new NewGitLabPipeline("main"), CancellationToken.None));
        var onBatch = await FinishedAsync(await Client.CreatePipelineAsync(1, new NewGitLabPipeline("batch"), CancellationToken.None));
        var onSource = await FinishedAsync(
            await Client.CreatePipelineAsync(1, new NewGitLabPipeline("express-checkout"), CancellationToken.None)
        );
        var failedJobs = await Client.ListPipelineJobsAsync(1, onBatch.Id, CancellationToken.None).ToListAsync();
        var trace = await Client.GetTraceAsync(1, failedJobs.Single(job => job.Status == "failed").Id, 0, CancellationToken.None);

        Assert.Equal(("success", "failed", "failed"), (onMain.Status, onBatch.Status, onSource.Status));
        Assert.Equal(["success", "failed", "skipped"], failedJobs.OrderBy(job => job.Id).Select(job => job.Status));
        Assert.Contains("src/checkout.py contains \"express\"", trace.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_a_flaky_rule_as_many_times_as_it_says_and_then_pass()
    {
        await AddRuleAsync(
            new
            {
                project_id = 1,
                when_commit_message_contains = "discounts",
                times = 2,
            }
        );

        var outcomes = new List<string>();
        for (var run = 0; run < 3; run++)
        {
            var created = await Client.CreatePipelineAsync(1, new NewGitLabPipeline("fix-cart-discounts"), CancellationToken.None);
            outcomes.Add((await FinishedAsync(created)).Status);
        }

        var rules = await _gitlab.Admin.GetFromJsonAsync<JsonElement>("/_sim/pipelines/rules");
        Assert.Equal(["failed", "failed", "success"], outcomes);
        Assert.Equal(2, rules.GetProperty("rules")[0].GetProperty("fired").GetInt32());
    }

    [Fact]
    public async Task Should_refuse_a_rule_without_exactly_one_condition_and_clear_rules_on_delete()
    {
        var neither = await _gitlab.Admin.PostAsJsonAsync("/_sim/pipelines/rules", new { project_id = 1 });
        var both = await _gitlab.Admin.PostAsJsonAsync(
            "/_sim/pipelines/rules",
            new
            {
                project_id = 1,
                when_commit_message_contains = "x",
                when_file_contains = new { path = "a", text = "b" },
            }
        );
        await AddRuleAsync(new { project_id = 1, when_commit_message_contains = "x" });
        var cleared = await _gitlab.Admin.DeleteAsync("/_sim/pipelines/rules");
        var left = await _gitlab.Admin.GetFromJsonAsync<JsonElement>("/_sim/pipelines/rules");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (neither.StatusCode, both.StatusCode));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(0, left.GetProperty("rules").GetArrayLength());
    }

    [Fact]
    public async Task Should_skip_the_pipeline_of_a_push_that_says_skip_ci()
    {
        var commit = await Client.CreateCommitAsync(
            1,
            new NewGitLabCommit("docs", "Fix a typo [skip ci]", [GitLabCommitAction.Update("README.md", "# shop\n")])
            {
                StartBranch = "main",
            },
            CancellationToken.None
        );

        var pipelines = await Client.GetPipelinesPageAsync(1, "docs", null, 1, null, CancellationToken.None);

        Assert.Equal([("skipped", commit.Id)], pipelines.Items.Select(pipeline => (pipeline.Status, pipeline.Sha)));
    }

    [Fact]
    public async Task Should_keep_its_repositories_in_a_temporary_folder_removed_when_it_stops()
    {
        var folder = _gitlab.RepositoriesFolder;
        var existed = Directory.Exists(folder) && Directory.EnumerateDirectories(folder).Any();

        await _gitlab.StopAsync();

        Assert.True(existed);
        Assert.StartsWith(Path.GetTempPath(), folder, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    private async Task AddRuleAsync(object rule)
    {
        var added = await _gitlab.Admin.PostAsJsonAsync("/_sim/pipelines/rules", rule);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    private async Task<GitLabPipeline> FinishedAsync(GitLabPipeline created)
    {
        var pipeline = created;
        await GitLabDelivery.EventuallyAsync(
            async () => (pipeline = await Client.GetPipelineAsync(1, created.Id, CancellationToken.None)).Status is "success" or "failed",
            TimeSpan.FromSeconds(30)
        );
        return pipeline;
    }
}
