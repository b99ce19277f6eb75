using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.Gateway.Backlog;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// Work for an organisation under <c>/api/orgs/{org_id}/gitlab/...</c> runs at the organisation's own GitLab (here a second
/// simulator, whose demo/shop is project 1 as the served GitLab's is) with its token, and what is kept of it (title
/// embeddings, the apply ledger, operations) is kept apart from the served GitLab's project of the same id.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisation_works_at_its_own_GitLab
    : IClassFixture<GatewayFactory>,
        IClassFixture<SimulatorFixture>,
        IAsyncLifetime
{
    private readonly GatewayFactory _gateway;
    private readonly SimulatorFixture _orgGitLab;
    private readonly string _org = $"acme-{Guid.NewGuid():N}"[..20];
    private readonly HttpClient _owner;
    private readonly HttpClient _served;
    private readonly HttpClient _orgApi;

    public When_an_organisation_works_at_its_own_GitLab(GatewayFactory gateway, SimulatorFixture orgGitLab)
    {
        _gateway = gateway;
        _orgGitLab = orgGitLab;
        _owner = gateway.ClientOf([Roles.ProjectOwner], orgs: [_org]);
        _served = gateway.ClientWithRoles(Roles.ProjectOwner);
        _orgApi = orgGitLab.ClientAs(SimulatorOptions.DefaultToken);
    }

    private string Org => $"/api/orgs/{_org}";

    public Task InitializeAsync() => _owner.ConfigureGitLabAsync(_org, _orgGitLab.Url, "acme-webhook-secret-5f1e2d3c");

    public Task DisposeAsync()
    {
        _owner.Dispose();
        _served.Dispose();
        _orgApi.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_read_the_backlog_and_resolve_projects_at_the_organisations_GitLab()
    {
        var title = $"Invoices rounded twice {Guid.NewGuid():N}";
        await NewIssueAsync(title);

        var orgs = await BacklogTitlesAsync(_owner, $"{Org}/gitlab/projects/1/backlog?search={Uri.EscapeDataString(title)}");
        var served = await BacklogTitlesAsync(_served, $"/gitlab/projects/1/backlog?search={Uri.EscapeDataString(title)}");
        using var resolved = await _owner.PostAsJsonAsync(
            $"{Org}/gitlab/projects/resolve",
            new { gitlab_url = $"{_orgGitLab.Url}/demo/shop" }
        );
        using var servedUrl = await _owner.PostAsJsonAsync(
            $"{Org}/gitlab/projects/resolve",
            new { gitlab_url = $"{_gateway.SimulatorUrl}/demo/shop" }
        );

        Assert.Equal([title], orgs);
        Assert.Empty(served);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.StartsWith(_orgGitLab.Url, (await resolved.JsonAsync()).GetProperty("web_url").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, servedUrl.StatusCode);
        Assert.Contains("the organisation's is the GitLab at", await servedUrl.ErrorMessageAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_the_organisations_title_embeddings_apart_from_the_served_projects_of_the_same_id()
    {
        var title = $"Acme ledger export to spreadsheets {Guid.NewGuid():N}"[..40];
        await NewIssueAsync(title);

        using var accepted = await _owner.PostAsync($"{Org}/gitlab/projects/1/cache-embeddings", null);
        await EmbeddingRuns.CacheAsync(_owner, "1", Org);
        await EmbeddingRuns.CacheAsync(_served, "1");
        var inOrg = await (
            await _owner.GetAsync($"{Org}/gitlab/projects/1/backlog/similar?text={Uri.EscapeDataString(title)}")
        ).JsonAsync();
        var inServed = await (
            await _served.GetAsync($"/gitlab/projects/1/backlog/similar?text={Uri.EscapeDataString(title)}&min_score=-1&limit=100")
        ).JsonAsync();

        Assert.Equal($"embeddings:projects:org:{_org}:1", (await accepted.JsonAsync()).GetProperty("channel").GetString());
        Assert.Equal(title, inOrg.Items()[0].GetProperty("title").GetString());
        Assert.StartsWith(_orgGitLab.Url, inOrg.Items()[0].GetProperty("web_url").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(inServed.Items(), item => item.GetProperty("title").GetString() == title);
        Assert.All(
            inServed.Items(),
            item => Assert.StartsWith(_gateway.SimulatorUrl, item.GetProperty("web_url").GetString(), StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Should_apply_a_backlog_at_the_organisations_GitLab_with_a_ledger_of_its_own()
    {
        var prompt = $"prompt-{Guid.NewGuid():N}";
        var title = $"Acme only {prompt}";

        using var inOrg = await _owner.PostAsJsonAsync($"{Org}/gitlab/projects/1/apply-backlog", Backlog(prompt, title));
        using var inServed = await _served.PostAsJsonAsync("/gitlab/projects/1/apply-backlog", Backlog(prompt, title));
        using var again = await _owner.PostAsJsonAsync($"{Org}/gitlab/projects/1/apply-backlog", Backlog(prompt, title));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (inOrg.StatusCode, inServed.StatusCode));
        var applied = await inOrg.JsonAsync();
        var created = applied.GetProperty("results").GetProperty("issues")[0];
        Assert.Equal("created", created.GetProperty("action").GetString());
        Assert.StartsWith(_orgGitLab.Url, created.GetProperty("web_url").GetString(), StringComparison.Ordinal);
        // The same prompt at the served GitLab is another apply: the organisation's ledger does not answer for it.
        Assert.False(inServed.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(
            "created",
            (await inServed.JsonAsync()).GetProperty("results").GetProperty("issues")[0].GetProperty("action").GetString()
        );
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(await IssuesTitledAsync(title));
        var operation = applied.GetProperty("operation_id").GetString();
        using var stranger = _gateway.ClientOf([Roles.Viewer], orgs: ["globex"]);
        Assert.Equal(HttpStatusCode.OK, (await _owner.GetAsync($"/operations/{operation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/operations/{operation}")).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_work_for_an_organisation_without_GitLab_with_a_callers_token_or_for_a_stranger()
    {
        using var admin = _gateway.ClientWithRoles(Roles.Admin);
        using var stranger = _gateway.ClientOf([Roles.ProjectOwner], orgs: ["globex"]);
        using var withToken = new HttpRequestMessage(HttpMethod.Get, $"{Org}/gitlab/projects/1/backlog");
        withToken.Headers.Add(CallerCredential.Header, "glpat-someone-elses");

        using var unconfigured = await admin.GetAsync("/api/orgs/nobody-configured/gitlab/projects/1/backlog");
        using var token = await _owner.SendAsync(withToken);
        using var foreign = await stranger.GetAsync($"{Org}/gitlab/projects/1/backlog");
        using var malformed = await admin.GetAsync("/api/orgs/not%20an%20id/gitlab/projects/1/backlog");

        Assert.Equal(HttpStatusCode.NotFound, unconfigured.StatusCode);
        Assert.Equal("organisation nobody-configured has no GitLab configured", await unconfigured.ErrorMessageAsync());
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Contains(CallerCredential.Header, await token.ErrorMessageAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    private async Task NewIssueAsync(string title)
    {
        using var created = await _orgApi.PostAsJsonAsync("/api/v4/projects/1/issues", new { title });
        created.EnsureSuccessStatusCode();
    }

    private async Task<List<JsonElement>> IssuesTitledAsync(string title) =>
        [
            .. (
                await _orgApi.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/issues?search={Uri.EscapeDataString(title)}")
            ).EnumerateArray(),
        ];

    private static async Task<List<string>> BacklogTitlesAsync(HttpClient client, string path) =>
        [.. (await (await client.GetAsync(path)).JsonAsync()).Items().Select(item => item.GetProperty("title").GetString()!)];

    private static object Backlog(string prompt, string title) =>
        new
        {
            prompt_id = prompt,
            issues = new[]
            {
                new
                {
                    title,
                    description = "",
                    labels = Array.Empty<string>(),
                },
            },
        };
}
