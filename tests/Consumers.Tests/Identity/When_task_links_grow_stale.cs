using System.Net.Http.Json;
using GitLabBus.Consumers.Identity;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Consumers.Identity;

/// <summary>The background refresh reads again, from each organisation's GitLab, the links older than the TTL, and only those.</summary>
public sealed class When_task_links_grow_stale : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly InMemoryTaskLinkStore _links = new();
    private readonly InMemoryOrgIntegrationStore _integrations = new(new EphemeralDataProtectionProvider());
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        await _gitlab.InitializeAsync();
        _provider = new ServiceCollection()
            .AddGitLabClient(
                new GitLabClientOptions
                {
                    BaseUrl = new Uri("http://gitlab.invalid"),
                    RequestsPerSecond = 0,
                    AllowPrivateNetworks = true,
                }
            )
            .BuildServiceProvider();
        await _integrations.SaveAsync(
            new OrgIntegration("acme", new Uri(_gitlab.Url), new Credential(SimulatorOptions.DefaultToken), "", _time.GetUtcNow(), "test"),
            CancellationToken.None
        );
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _gitlab.DisposeAsync();
    }

    [Fact]
    public async Task Should_read_the_stale_links_again_and_leave_the_fresh_ones()
    {
        var settings = new TaskLinkSettings(TimeSpan.FromMinutes(30));
        var issue = await NewIssueAsync("Ship the new checkout");
        var stale = await _links.AddAsync(
            Link(issue, "t1", "What it was called an hour ago", _time.GetUtcNow().AddHours(-1)),
            CancellationToken.None
        );
        var fresh = await _links.AddAsync(Link(issue, "t2", "Recently read", _time.GetUtcNow().AddMinutes(-5)), CancellationToken.None);
        var refresher = new TaskLinkRefresher(
            _links,
            new OrgGitLabClients(_provider.GetRequiredService<GitLabClientFactory>(), _integrations),
            settings,
            _time,
            NullLogger<TaskLinkRefresher>.Instance
        );

        await refresher.RunAsync(CancellationToken.None);

        var byTask = (await _links.ForItemAsync("acme", TaskLink.Issue, "demo/shop", issue, CancellationToken.None)).ToDictionary(link =>
            link.TaskId
        );
        Assert.Equal(("Ship the new checkout", _time.GetUtcNow()), (byTask["t1"].Title, byTask["t1"].RefreshedAt));
        Assert.Equal((fresh.Title, fresh.RefreshedAt), (byTask["t2"].Title, byTask["t2"].RefreshedAt));
        Assert.NotEqual(stale.Title, byTask["t1"].Title);
    }

    private static TaskLink Link(long iid, string task, string title, DateTimeOffset refreshedAt) =>
        new()
        {
            LinkId = TaskLinkMetadata.IdOf("acme", task, TaskLink.Issue, "demo/shop", iid),
            OrgId = "acme",
            TaskId = task,
            Kind = TaskLink.Issue,
            ProjectPath = "demo/shop",
            GitlabIid = iid,
            WebUrl = "",
            Title = title,
            State = "opened",
            RefreshedAt = refreshedAt,
            CreatedAt = refreshedAt,
        };

    private async Task<long> NewIssueAsync(string title)
    {
        using var root = new HttpClient { BaseAddress = new Uri(_gitlab.Url) };
        root.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        using var created = await root.PostAsJsonAsync("/api/v4/projects/1/issues", new { title });
        return (await created.JsonAsync()).GetProperty("iid").GetInt64();
    }
}
