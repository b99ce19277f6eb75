using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab;

public sealed class When_the_client_reads_lists : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    [Fact]
    public async Task Should_follow_every_page_and_expose_the_pagination_headers()
    {
        var client = _gitlab.Client(options => options with { DefaultPageSize = 7 });
        for (var n = 1; n <= 45; n++)
        {
            await client.CreateIssueAsync(1, new NewGitLabIssue($"Bulk issue {n}") { Labels = "bulk" }, CancellationToken.None);
        }

        var all = new List<GitLabIssue>();
        await foreach (var issue in client.ListIssuesAsync(1, new WorkItemFilter { Labels = ["bulk"] }, CancellationToken.None))
        {
            all.Add(issue);
        }

        var page = await client.GetIssuesPageAsync(1, new WorkItemFilter { Labels = ["bulk"] }, 2, 10, CancellationToken.None);

        Assert.Equal(45, all.Count);
        Assert.Equal(45, all.Select(issue => issue.Iid).Distinct().Count());
        Assert.All(all, issue => Assert.Contains("bulk", issue.Labels));
        Assert.Equal((2, 10, 3, 1, 45, 5), (page.Page, page.PerPage, page.NextPage, page.PrevPage, page.Total, page.TotalPages));
        Assert.Equal(10, page.Items.Count);
        Assert.NotNull(page.NextLink);
    }

    [Fact]
    public async Task Should_filter_issues_by_state_and_search_on_the_server()
    {
        var client = _gitlab.Client();

        var closed = await client.GetIssuesPageAsync(1, new WorkItemFilter { State = "closed" }, 1, 100, CancellationToken.None);
        var search = await client.GetIssuesPageAsync(
            1,
            new WorkItemFilter { Search = "checkout", State = "opened" },
            1,
            100,
            CancellationToken.None
        );

        Assert.Equal(["Update README with setup steps"], closed.Items.Select(issue => issue.Title));
        Assert.Equal(2, search.Items.Count);
        Assert.All(search.Items, issue => Assert.Contains("checkout", issue.Title, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_read_a_project_by_path_and_its_group_epics()
    {
        var client = _gitlab.Client();

        var project = await client.GetProjectAsync("demo/shop", CancellationToken.None);
        var epics = new List<GitLabEpic>();
        await foreach (var epic in client.ListEpicsAsync(project.Namespace!.Id, null, CancellationToken.None))
        {
            epics.Add(epic);
        }

        Assert.Equal((1L, "demo/shop", "main"), (project.Id, project.PathWithNamespace, project.DefaultBranch));
        Assert.Equal(3, epics.Count);
    }
}
