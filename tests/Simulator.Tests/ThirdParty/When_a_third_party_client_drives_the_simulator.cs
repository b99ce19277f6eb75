using System.Text.Json;
using GitLabBus.GitLab.Models;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.Simulator.ThirdParty;

/// <summary>
/// gitbeaker (@gitbeaker/rest), a widely used GitLab client that is not ours, against the simulator: if the simulator
/// drifted from GitLab's paths, auth headers, bodies or pagination headers, this library would fail where users' would.
/// </summary>
public sealed class When_a_third_party_client_drives_the_simulator(When_a_third_party_client_drives_the_simulator.GitbeakerRun run)
    : IClassFixture<When_a_third_party_client_drives_the_simulator.GitbeakerRun>
{
    private readonly SimulatorFixture _gitlab = run.GitLab;
    private readonly JsonElement _seen = run.Seen;

    /// <summary>One run of the script per class: it writes, so every fact reads the same simulator state.</summary>
    public sealed class GitbeakerRun : IAsyncLifetime
    {
        public SimulatorFixture GitLab { get; } = new();

        public JsonElement Seen { get; private set; }

        public async Task InitializeAsync()
        {
            await GitLab.InitializeAsync();
            Seen = await NodeClient.RunAsync(
                "gitbeaker-flows.mjs",
                new Dictionary<string, string> { ["GITLAB_URL"] = GitLab.Url, ["GITLAB_TOKEN"] = SimulatorOptions.DefaultToken },
                CancellationToken.None
            );
        }

        public Task DisposeAsync() => GitLab.DisposeAsync();
    }

    [Fact]
    public async Task Should_create_issues_that_gitlab_then_holds()
    {
        var created = Iids("createdIids");
        Assert.Equal(23, created.Length);
        Assert.Equal(created.Length, created.Distinct().Count());

        var held = await _gitlab
            .Client()
            .ListIssuesAsync(1, new WorkItemFilter { Labels = ["gitbeaker"], State = "all" }, CancellationToken.None)
            .ToListAsync();
        Assert.Equal(created.Order(), held.Select(issue => issue.Iid).Order());
        var second = _seen.GetProperty("shownIssue");
        Assert.Equal("made by gitbeaker #2", second.GetProperty("description").GetString());
        Assert.Equal(["noted by gitbeaker"], _seen.GetProperty("issueNoteBodies").EnumerateArray().Select(body => body.GetString()));
    }

    [Fact]
    public void Should_page_through_every_page_by_following_the_link_header()
    {
        var firstIid = Iids("createdIids")[0];
        var openLabelled = Iids("openLabelledIids");

        Assert.Equal(Iids("createdIids").Where(iid => iid != firstIid).OrderDescending(), openLabelled);
        var secondPage = _seen.GetProperty("secondPage");
        Assert.Equal(5, secondPage.GetProperty("iids").GetArrayLength());
        var pagination = secondPage.GetProperty("pagination");
        Assert.Equal(23, pagination.GetProperty("total").GetInt32());
        Assert.Equal(2, pagination.GetProperty("current").GetInt32());
        Assert.Equal(1, pagination.GetProperty("previous").GetInt32());
        Assert.Equal(3, pagination.GetProperty("next").GetInt32());
        Assert.Equal(5, pagination.GetProperty("totalPages").GetInt32());
    }

    [Fact]
    public async Task Should_update_an_issue_with_a_bearer_token()
    {
        var updated = _seen.GetProperty("updated");
        Assert.Equal("closed", updated.GetProperty("state").GetString());

        var held = await _gitlab.Client().GetIssueAsync(1, updated.GetProperty("iid").GetInt64(), CancellationToken.None);
        Assert.Equal("gitbeaker issue 1 (renamed)", held.Title);
        Assert.Equal("closed", held.State);
        Assert.Equal(["gitbeaker", "reviewed"], held.Labels.Order());
    }

    [Fact]
    public async Task Should_create_and_update_a_merge_request()
    {
        var iid = _seen.GetProperty("mergeRequest").GetProperty("iid").GetInt64();
        Assert.Contains(iid, Iids("openMergeRequestIids"));

        var held = await _gitlab.Client().GetMergeRequestAsync(1, iid, includeRebaseInProgress: false, CancellationToken.None);
        Assert.Equal("gitbeaker/feature", held.SourceBranch);
        Assert.Equal("main", held.TargetBranch);
        Assert.Equal("gitbeaker merge request (edited)", held.Title);
        Assert.Equal(["gitbeaker", "ready"], held.Labels.Order());
        Assert.Equal(held.Sha, _seen.GetProperty("shownMergeRequest").GetProperty("sha").GetString());
    }

    [Fact]
    public async Task Should_push_a_commit_that_moves_the_merge_request_head()
    {
        var pushed = _seen.GetProperty("pushedSha").GetString();
        Assert.Equal(pushed, _seen.GetProperty("newestVersionHeadSha").GetString());

        var held = await _gitlab
            .Client()
            .GetMergeRequestAsync(1, _seen.GetProperty("mergeRequest").GetProperty("iid").GetInt64(), false, CancellationToken.None);
        Assert.Equal(pushed, held.Sha);
    }

    [Fact]
    public void Should_see_gitlabs_not_found_answer()
    {
        var missing = _seen.GetProperty("missing");
        Assert.Equal(404, missing.GetProperty("status").GetInt32());
        Assert.Equal("404 Issue Not Found", missing.GetProperty("description").GetString());
    }

    private long[] Iids(string property) => _seen.GetProperty(property).EnumerateArray().Select(iid => iid.GetInt64()).ToArray();
}
