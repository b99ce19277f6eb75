using GitLabBus.Consumers.Identity;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>
/// What the organisations' stores do (their GitLab, their tasks' links, their audit): the in-memory ones run it in the
/// consumers tests, the Redis ones on a real Redis in the integration tests.
/// </summary>
public abstract class OrganisationStoresSpecification
{
    protected const string Token = "glpat-org-spec-7a6b5c4d3e2f";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    protected abstract IOrgIntegrationStore Integrations();

    protected abstract ITaskLinkStore Links();

    protected abstract IOrgAuditLog Audit();

    protected static OrgIntegration Integration(string org) =>
        new(
            org,
            new Uri("https://gitlab.acme.example"),
            new Credential(Token),
            OrgIntegration.HashSecret("acme-secret-0123456"),
            Now,
            "bea"
        );

    protected static TaskLink Link(string org, string task, long iid, DateTimeOffset? refreshedAt = null) =>
        new()
        {
            LinkId = TaskLinkMetadata.IdOf(org, task, TaskLink.Issue, "acme/shop", iid),
            OrgId = org,
            TaskId = task,
            Kind = TaskLink.Issue,
            ProjectPath = "acme/shop",
            GitlabIid = iid,
            WebUrl = $"https://gitlab.acme.example/acme/shop/-/issues/{iid}",
            Title = $"Issue {iid}",
            State = "opened",
            Labels = ["bug"],
            RefreshedAt = refreshedAt ?? Now,
            CreatedAt = Now,
        };

    [Fact]
    public async Task An_integration_gives_its_token_back_and_knows_its_secret_only_by_its_hash()
    {
        var store = Integrations();

        await store.SaveAsync(Integration("acme"), CancellationToken.None);
        var read = await store.GetAsync("acme", CancellationToken.None);

        Assert.Equal(Token, read!.Token.Reveal(value => value));
        Assert.Equal(new Uri("https://gitlab.acme.example"), read.BaseUrl);
        Assert.True(read.SecretMatches("acme-secret-0123456"));
        Assert.False(read.SecretMatches("acme-secret-0123457"));
        Assert.False(read.SecretMatches(null));
        Assert.Null(await store.GetAsync("globex", CancellationToken.None));
        Assert.True(await store.DeleteAsync("acme", CancellationToken.None));
        Assert.False(await store.DeleteAsync("acme", CancellationToken.None));
        Assert.Null(await store.GetAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task The_organisations_with_a_GitLab_are_listed_until_it_is_removed()
    {
        var store = Integrations();
        var (kept, removed) = ($"kept-{Guid.NewGuid():N}", $"removed-{Guid.NewGuid():N}");

        await store.SaveAsync(Integration(kept), CancellationToken.None);
        await store.SaveAsync(Integration(removed), CancellationToken.None);
        await store.SaveAsync(Integration(kept) with { UpdatedBy = "again" }, CancellationToken.None);
        await store.DeleteAsync(removed, CancellationToken.None);
        var listed = await store.OrgIdsAsync(CancellationToken.None);

        Assert.Single(listed, org => org == kept);
        Assert.DoesNotContain(removed, listed);
    }

    [Fact]
    public async Task A_link_is_kept_once_found_by_task_and_by_item_and_removed_only_from_its_task()
    {
        var links = Links();
        var first = await links.AddAsync(Link("acme", "t1", 5), CancellationToken.None);

        var again = await links.AddAsync(Link("acme", "t1", 5) with { Title = "changed" }, CancellationToken.None);
        await links.AddAsync(Link("acme", "t2", 5), CancellationToken.None);
        await links.AddAsync(Link("acme", "t1", 6), CancellationToken.None);
        await links.AddAsync(Link("globex", "t1", 5), CancellationToken.None);

        Assert.Equal("Issue 5", again.Title);
        Assert.Equal([5L, 6L], (await links.ListAsync("acme", "t1", CancellationToken.None)).Select(link => link.GitlabIid).Order());
        Assert.Equal(
            ["t1", "t2"],
            (await links.ForItemAsync("acme", TaskLink.Issue, "acme/shop", 5, CancellationToken.None)).Select(link => link.TaskId).Order()
        );
        Assert.False(await links.RemoveAsync("acme", "t2", first.LinkId, CancellationToken.None));
        Assert.True(await links.RemoveAsync("acme", "t1", first.LinkId, CancellationToken.None));
        Assert.Equal([6L], (await links.ListAsync("acme", "t1", CancellationToken.None)).Select(link => link.GitlabIid));
        Assert.Single(await links.ForItemAsync("acme", TaskLink.Issue, "acme/shop", 5, CancellationToken.None));
        Assert.False(await links.UpdateAsync(first with { Title = "gone" }, CancellationToken.None));
    }

    [Fact]
    public async Task Stale_links_come_oldest_first_and_an_update_makes_them_fresh()
    {
        var links = Links();
        var old = await links.AddAsync(Link("initech", "t1", 1, Now.AddHours(-3)), CancellationToken.None);
        var older = await links.AddAsync(Link("initech", "t1", 2, Now.AddHours(-5)), CancellationToken.None);
        await links.AddAsync(Link("initech", "t1", 3, Now), CancellationToken.None);

        var stale = await links.StaleAsync(Now.AddHours(-1), 10, CancellationToken.None);
        await links.UpdateAsync(older with { RefreshedAt = Now, Title = "fresh" }, CancellationToken.None);

        Assert.Equal([older.LinkId, old.LinkId], stale.Where(link => link.OrgId == "initech").Select(link => link.LinkId));
        Assert.Equal(
            [old.LinkId],
            (await links.StaleAsync(Now.AddHours(-1), 10, CancellationToken.None))
                .Where(link => link.OrgId == "initech")
                .Select(link => link.LinkId)
        );
        Assert.Contains(await links.ListAsync("initech", "t1", CancellationToken.None), link => link.Title == "fresh");
    }

    [Fact]
    public async Task The_audit_answers_newest_first_within_its_limit()
    {
        var audit = Audit();
        foreach (var action in new[] { "gitlab.configured", "link.added", "link.removed" })
        {
            await audit.AppendAsync("acme", new OrgAuditEvent(Now, "bea", action, null), CancellationToken.None);
        }

        Assert.Equal(
            ["link.removed", "link.added"],
            (await audit.ListAsync("acme", 2, CancellationToken.None)).Select(entry => entry.Action)
        );
        Assert.Empty(await audit.ListAsync("globex", 10, CancellationToken.None));
    }
}
