using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// An organisation with a GitLab of its own (here the embedded simulator, as a user of its own with its own token): its
/// configuration with write-only secrets, its token checked, links from its tasks whose metadata comes from that GitLab and
/// follows its hooks, its webhook endpoint with its secret, the audit of every change, and no token or secret anywhere.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisation_has_its_own_GitLab : IClassFixture<GatewayFactory>, IAsyncLifetime
{
    private const string WebhookSecret = "acme-webhook-secret-5f1e2d3c";
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _gitlab;
    private readonly string _org = $"acme-{Guid.NewGuid():N}"[..20];
    private string _token = null!;

    public When_an_organisation_has_its_own_GitLab(GatewayFactory gateway)
    {
        _gateway = gateway;
        _gitlab = new HttpClient { BaseAddress = new Uri(gateway.SimulatorUrl) };
        _gitlab.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
    }

    /// <summary>The organisation's own GitLab user, a Developer of demo/shop, with a token of its own.</summary>
    public async Task InitializeAsync()
    {
        _ = _gateway.CreateClient();
        var name = $"acme-bot-{Guid.NewGuid():N}"[..16];
        using var user = await _gitlab.PostAsJsonAsync(
            "/api/v4/users",
            new
            {
                username = name,
                name,
                email = $"{name}@example.com",
            }
        );
        var id = (await user.JsonAsync()).GetProperty("id").GetInt64();
        using var token = await _gitlab.PostAsJsonAsync(
            $"/api/v4/users/{id}/personal_access_tokens",
            new { name = "acme", scopes = new[] { "api" } }
        );
        _token = (await token.JsonAsync()).GetProperty("token").GetString()!;
        (await _gitlab.PostAsJsonAsync("/api/v4/projects/1/members", new { user_id = id, access_level = 30 })).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        _gitlab.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_keep_the_token_and_secret_write_only_and_check_the_token_with_its_GitLab()
    {
        using var owner = Client(Roles.ProjectOwner);

        using var configured = await ConfigureAsync(owner);
        var read = await owner.GetFromJsonAsync<JsonElement>($"/api/orgs/{_org}/integrations/gitlab");
        var validated = await (await owner.PostAsync($"/api/orgs/{_org}/integrations/gitlab/validate", null)).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Equal(_gateway.SimulatorUrl, read.GetProperty("base_url").GetString()!.TrimEnd('/'));
        Assert.True(read.GetProperty("token_configured").GetBoolean() && read.GetProperty("webhook_secret_configured").GetBoolean());
        Assert.DoesNotContain(_token, read.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, read.GetRawText(), StringComparison.Ordinal);
        Assert.True(validated.GetProperty("valid").GetBoolean());
        Assert.StartsWith("acme-bot-", validated.GetProperty("username").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_take_the_organisations_hook_with_its_secret_only()
    {
        using var owner = Client(Roles.ProjectOwner);
        using var configured = await ConfigureAsync(owner);
        using var anonymous = _gateway.CreateClient();

        using var accepted = await anonymous.SendAsync(Hook(_org, WebhookSecret, IssueHook(1, "title")));
        using var wrong = await anonymous.SendAsync(Hook(_org, "not-the-secret-at-all", IssueHook(1, "title")));
        using var gitlabs = await anonymous.SendAsync(Hook(_org, GatewayFactory.WebhookSecret, IssueHook(1, "title")));
        using var unknown = await anonymous.SendAsync(Hook("nobody-org", WebhookSecret, IssueHook(1, "title")));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized),
            (wrong.StatusCode, gitlabs.StatusCode, unknown.StatusCode)
        );
        Assert.Equal("unauthorized", await wrong.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_link_a_task_with_the_items_metadata_and_follow_its_hook_within_one_delivery()
    {
        using var writer = Client(Roles.PriorityManager);
        using var owner = Client(Roles.ProjectOwner);
        using var configured = await ConfigureAsync(owner);
        var iid = await NewIssueAsync("Checkout button does nothing");

        using var added = await writer.PostAsJsonAsync(
            $"/api/orgs/{_org}/tasks/task-7/gitlab-links",
            new
            {
                project_path = "demo/shop",
                gitlab_iid = iid,
                kind = "issue",
            }
        );
        using var again = await writer.PostAsJsonAsync(
            $"/api/orgs/{_org}/tasks/task-7/gitlab-links",
            new { url = $"{_gateway.SimulatorUrl}/demo/shop/-/issues/{iid}" }
        );
        var link = await added.JsonAsync();
        using var hooked = await _gateway
            .CreateClient()
            .SendAsync(Hook(_org, WebhookSecret, IssueHook(iid, "Checkout button fixed", "closed")));

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("Checkout button does nothing", link.GetProperty("title").GetString());
        Assert.Equal("opened", link.GetProperty("state").GetString());
        Assert.Equal(link.GetProperty("link_id").GetString(), (await again.JsonAsync()).GetProperty("link_id").GetString());
        Assert.Equal(HttpStatusCode.Accepted, hooked.StatusCode);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await LinksAsync(writer, "task-7")).SingleOrDefault() is { } followed
                && followed.GetProperty("title").GetString() == "Checkout button fixed"
                && followed.GetProperty("state").GetString() == "closed"
                && followed.GetProperty("labels").EnumerateArray().Select(label => label.GetString()).SequenceEqual(["hooked"])
            ),
            "the link did not follow its issue's hook"
        );
    }

    [Fact]
    public async Task Should_write_an_audit_event_for_every_change_and_none_with_a_secret()
    {
        using var owner = Client(Roles.ProjectOwner);
        using var configured = await ConfigureAsync(owner);
        var iid = await NewIssueAsync("Audit me");
        using var changed = await owner.PutAsJsonAsync(
            $"/api/orgs/{_org}/integrations/gitlab",
            new { base_url = _gateway.SimulatorUrl, webhook_secret = WebhookSecret + "-new" }
        );
        var link = await (
            await owner.PostAsJsonAsync(
                $"/api/orgs/{_org}/tasks/task-9/gitlab-links",
                new
                {
                    project_path = "demo/shop",
                    gitlab_iid = iid,
                    kind = "issue",
                }
            )
        ).JsonAsync();
        using var removed = await owner.DeleteAsync(
            $"/api/orgs/{_org}/tasks/task-9/gitlab-links/{link.GetProperty("link_id").GetString()}"
        );
        using var deleted = await owner.DeleteAsync($"/api/orgs/{_org}/integrations/gitlab");

        var audit = await owner.GetFromJsonAsync<JsonElement>($"/api/orgs/{_org}/audit");

        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.NoContent),
            (changed.StatusCode, removed.StatusCode, deleted.StatusCode)
        );
        Assert.Equal(
            ["gitlab.removed", "link.removed", "link.added", "gitlab.changed", "gitlab.configured"],
            audit.GetProperty("events").EnumerateArray().Select(entry => entry.GetProperty("action").GetString())
        );
        Assert.All(
            audit.GetProperty("events").EnumerateArray(),
            entry => Assert.Equal("test-user", entry.GetProperty("actor").GetString())
        );
        Assert.DoesNotContain(WebhookSecret, audit.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/orgs/{_org}/integrations/gitlab")).StatusCode);
    }

    [Fact]
    public async Task Should_let_viewers_read_and_refuse_them_the_configuration_and_others_the_organisation()
    {
        using var owner = Client(Roles.ProjectOwner);
        using var configured = await ConfigureAsync(owner);
        using var viewer = Client(Roles.Viewer);
        using var stranger = Client(Roles.ProjectOwner, org: "globex");

        using var read = await viewer.GetAsync($"/api/orgs/{_org}/integrations/gitlab");
        using var change = await viewer.PutAsJsonAsync($"/api/orgs/{_org}/integrations/gitlab", new { base_url = _gateway.SimulatorUrl });
        using var foreign = await stranger.GetAsync($"/api/orgs/{_org}/integrations/gitlab");

        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            (read.StatusCode, change.StatusCode, foreign.StatusCode)
        );
        Assert.Equal(
            $"this account has no access to organisation {_org}",
            (await foreign.JsonAsync()).GetProperty("error").GetProperty("message").GetString()
        );
    }

    [Theory]
    [InlineData("""{"base_url":"ftp://gitlab.example.com","token":"glpat-x","webhook_secret":"0123456789abcdef"}""", "base_url")]
    [InlineData(
        """{"base_url":"https://user:pass@gitlab.example.com","token":"glpat-x","webhook_secret":"0123456789abcdef"}""",
        "base_url"
    )]
    [InlineData("""{"base_url":"https://gitlab.example.com","webhook_secret":"0123456789abcdef"}""", "token")]
    [InlineData("""{"base_url":"https://gitlab.example.com","token":"glpat-x"}""", "webhook_secret")]
    [InlineData("""{"base_url":"https://gitlab.example.com","token":"glpat-x","webhook_secret":"short"}""", "webhook_secret")]
    public async Task Should_refuse_a_configuration_that_is_not_whole(string body, string named)
    {
        using var owner = Client(Roles.ProjectOwner);

        using var refused = await owner.PutAsync(
            $"/api/orgs/{_org}/integrations/gitlab",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json")
        );

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith(
            named,
            (await refused.JsonAsync()).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/orgs/{_org}/integrations/gitlab")).StatusCode);
    }

    [Fact]
    public async Task Should_keep_the_organisations_token_and_secret_out_of_answers_logs_and_messages()
    {
        var messages = _gateway.RecordMessages();
        using var owner = Client(Roles.ProjectOwner);
        using var configured = await ConfigureAsync(owner);
        var iid = await NewIssueAsync("Scan me");
        var answers = new List<string>
        {
            await configured.Content.ReadAsStringAsync(),
            await owner.GetStringAsync($"/api/orgs/{_org}/integrations/gitlab"),
            await (await owner.PostAsync($"/api/orgs/{_org}/integrations/gitlab/validate", null)).Content.ReadAsStringAsync(),
            await (
                await owner.PostAsJsonAsync(
                    $"/api/orgs/{_org}/tasks/t/gitlab-links",
                    new
                    {
                        project_path = "demo/shop",
                        gitlab_iid = iid,
                        kind = "issue",
                    }
                )
            ).Content.ReadAsStringAsync(),
            await (await _gateway.CreateClient().SendAsync(Hook(_org, WebhookSecret, IssueHook(iid, "x")))).Content.ReadAsStringAsync(),
            await (
                await _gateway.CreateClient().SendAsync(Hook(_org, "wrong-secret-wrong-secret", IssueHook(iid, "x")))
            ).Content.ReadAsStringAsync(),
            await owner.GetStringAsync($"/api/orgs/{_org}/audit"),
        };

        var seen = string.Join('\n', answers) + string.Join('\n', messages) + _gateway.Logs.AllText;

        Assert.DoesNotContain(_token, seen, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, seen, StringComparison.Ordinal);
        Assert.NotEmpty(messages);
    }

    private async Task<HttpResponseMessage> ConfigureAsync(HttpClient owner) =>
        await owner.PutAsJsonAsync(
            $"/api/orgs/{_org}/integrations/gitlab",
            new
            {
                base_url = _gateway.SimulatorUrl,
                token = _token,
                webhook_secret = WebhookSecret,
            }
        );

    private HttpClient Client(string role, string? org = null) => _gateway.ClientOf([role], orgs: [org ?? _org]);

    private async Task<long> NewIssueAsync(string title)
    {
        using var created = await _gitlab.PostAsJsonAsync("/api/v4/projects/1/issues", new { title });
        return (await created.JsonAsync()).GetProperty("iid").GetInt64();
    }

    private async Task<List<JsonElement>> LinksAsync(HttpClient client, string task) =>
        [
            .. (await client.GetFromJsonAsync<JsonElement>($"/api/orgs/{_org}/tasks/{task}/gitlab-links"))
                .GetProperty("links")
                .EnumerateArray(),
        ];

    /// <summary>GitLab's issue hook (the documented example), about demo/shop's issue <paramref name="iid"/>.</summary>
    private static string IssueHook(long iid, string title, string state = "opened")
    {
        var hook = JsonNode.Parse(GitLabFixtures.Read("issue.json"))!;
        hook["project"]!["path_with_namespace"] = "demo/shop";
        hook["object_attributes"]!["iid"] = iid;
        hook["object_attributes"]!["title"] = title;
        hook["object_attributes"]!["state"] = state;
        hook["labels"] = new JsonArray(new JsonObject { ["title"] = "hooked" });
        return hook.ToJsonString();
    }

    private static HttpRequestMessage Hook(string org, string secret, string payload) =>
        GitLabDelivery.ForOrganisation(org, payload, "Issue Hook", secret);
}
