using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Backlog;

/// <summary>
/// <c>POST /gitlab/projects/{id}/apply-backlog</c> through the gateway, the saga, the consumers and the embedded simulator's
/// demo (group <c>demo</c> with epics and labels, project <c>demo/shop</c>), compared with the seed's examples field by field.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_backlog_is_applied : IAsyncLifetime
{
    private const string CallerToken = "glpat-caller-apply-0123456789";
    private const string RefusedToken = "glpat-unknown-apply-5555";

    private readonly GatewayFactory _gateway = new GatewayFactory().With("SIMULATOR_TOKENS", $"glpat-simulator-root,{CallerToken}");
    private ConcurrentQueue<string> _messages = null!;
    private HttpClient _owner = null!;
    private HttpClient _simulator = null!;

    public Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _messages = _gateway.RecordMessages();
        _simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        _simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", "glpat-simulator-root");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _simulator.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Should_answer_the_seeds_response_and_link_the_issue_to_the_epic_created_before_it()
    {
        using var response = await ApplyAsync(
            new
            {
                project_id = "1",
                prompt_id = NewPrompt(),
                epics = new[]
                {
                    new
                    {
                        id = (string?)null,
                        title = "Security Hardening",
                        description = "...",
                        labels = new[] { "feature" },
                    },
                },
                issues = new[]
                {
                    new
                    {
                        id = (string?)null,
                        title = "Rotate service keys",
                        description = "...",
                        labels = new[] { "backend" },
                        epic_id = "new:0",
                    },
                },
            }
        );
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["errors", "operation_id", "results", "warnings"], Names(body));
        var operationId = body.GetProperty("operation_id").GetString();
        Assert.Equal($"/operations/{operationId}", response.Headers.Location?.OriginalString);
        Assert.Equal(
            "completed",
            (await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
        );
        Assert.Equal(["epics", "issues"], Names(body.GetProperty("results")));
        var epic = Assert.Single(body.GetProperty("results").GetProperty("epics").EnumerateArray());
        var issue = Assert.Single(body.GetProperty("results").GetProperty("issues").EnumerateArray());
        Assert.Equal(["action", "id", "input_index", "web_url"], Names(epic));
        Assert.Equal((0, "created"), (epic.GetProperty("input_index").GetInt32(), epic.GetProperty("action").GetString()));
        Assert.Equal(JsonValueKind.String, epic.GetProperty("id").ValueKind);
        Assert.StartsWith(
            $"{_gateway.SimulatorUrl}/groups/demo/-/epics/",
            epic.GetProperty("web_url").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal("created", issue.GetProperty("action").GetString());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
        var stored = await SimulatorIssueAsync(issue.GetProperty("id").GetString()!);
        Assert.Equal(
            epic.GetProperty("id").GetString(),
            stored.GetProperty("epic").GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        var listed = (await (await _owner.GetAsync("/gitlab/projects/1/backlog?search=Rotate%20service%20keys")).JsonAsync())
            .GetProperty("items")
            .EnumerateArray()
            .Single(item => item.GetProperty("kind").GetString() == "issue");
        Assert.Equal("...", listed.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Should_answer_the_first_response_and_write_nothing_when_the_prompt_comes_again()
    {
        var prompt = NewPrompt();
        using var first = await ApplyAsync(Backlog(prompt, "Repeat me"));
        var issuesBefore = await IssueCountAsync();

        using var again = await ApplyAsync(Backlog(prompt, "Something else entirely"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await first.JsonAsync()).GetRawText(), (await again.JsonAsync()).GetRawText());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(issuesBefore, await IssueCountAsync());
    }

    [Fact]
    public async Task Should_update_what_differs_and_leave_the_rest_unchanged()
    {
        using var created = await ApplyAsync(Backlog(NewPrompt(), "Update target A", "Update target B"));
        var ids = (await created.JsonAsync())
            .GetProperty("results")
            .GetProperty("issues")
            .EnumerateArray()
            .Select(r => r.GetProperty("id").GetString())
            .ToList();

        using var updated = await ApplyAsync(
            new
            {
                prompt_id = NewPrompt(),
                issues = new[]
                {
                    new
                    {
                        id = ids[0],
                        title = "Update target A",
                        description = "",
                        labels = new[] { "bug" },
                    },
                    new
                    {
                        id = ids[1],
                        title = "Update target B, renamed",
                        description = "",
                        labels = new[] { "bug" },
                    },
                },
            }
        );

        Assert.Equal(
            ["unchanged", "updated"],
            (await updated.JsonAsync())
                .GetProperty("results")
                .GetProperty("issues")
                .EnumerateArray()
                .Select(r => r.GetProperty("action").GetString())
        );
        Assert.Equal("Update target B, renamed", (await SimulatorIssueAsync(ids[1]!)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Should_plan_without_writing_on_a_dry_run()
    {
        var issuesBefore = await IssueCountAsync();

        using var planned = await ApplyAsync(Backlog(NewPrompt(), "Only planned"), "?dry_run=true");
        var issue = Assert.Single((await planned.JsonAsync()).GetProperty("results").GetProperty("issues").EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, planned.StatusCode);
        Assert.Equal(
            ("created", "(pending)", "(pending)"),
            (issue.GetProperty("action").GetString(), issue.GetProperty("id").GetString(), issue.GetProperty("web_url").GetString())
        );
        Assert.Equal(issuesBefore, await IssueCountAsync());
    }

    [Fact]
    public async Task Should_report_refused_items_with_gitlabs_status_and_unknown_labels_as_warnings()
    {
        using var response = await ApplyAsync(
            new
            {
                prompt_id = NewPrompt(),
                issues = new object[]
                {
                    new
                    {
                        id = "987654",
                        title = "Gone",
                        labels = Array.Empty<string>(),
                    },
                    new { title = "Kept", labels = new[] { "bug", "no-such-label" } },
                },
            }
        );
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(["gitlab_status", "input_index", "message", "scope"], Names(error));
        Assert.Equal(
            ("issue", 0, 404),
            (
                error.GetProperty("scope").GetString(),
                error.GetProperty("input_index").GetInt32(),
                error.GetProperty("gitlab_status").GetInt32()
            )
        );
        Assert.Equal(
            1,
            Assert.Single(body.GetProperty("results").GetProperty("issues").EnumerateArray()).GetProperty("input_index").GetInt32()
        );
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal(("issue", 1), (warning.GetProperty("scope").GetString(), warning.GetProperty("input_index").GetInt32()));
    }

    [Fact]
    public async Task Should_require_a_prompt_id()
    {
        using var response = await ApplyAsync(new { epics = Array.Empty<object>(), issues = new[] { new { title = "No prompt" } } });
        var error = (await response.JsonAsync()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["code", "details", "gitlab_status", "message"], Names(error));
        Assert.Equal("idempotency_key_required", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("gitlab_status").ValueKind);
    }

    [Theory]
    [InlineData("""{"prompt_id":"p","issues":[{"title":""}]}""", "issues[0].title is required")]
    [InlineData("""{"prompt_id":"p","epics":[{"title":"E"}],"issues":[{"title":"I","epic_id":"new:1"}]}""", "issues[0].epic_id")]
    [InlineData("""{"prompt_id":"p","issues":[{"title":"I","labels":["a,b"]}]}""", "without commas")]
    [InlineData("""{"prompt_id":"p","epics":[{"id":"abc","title":"E"}]}""", "epics[0].id")]
    [InlineData("""{"project_id":"2","prompt_id":"p","issues":[]}""", "project_id in the body")]
    [InlineData("""not json""", "")]
    public async Task Should_refuse_a_malformed_backlog_before_anything_is_published(string json, string problem)
    {
        var published = _messages.Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/gitlab/projects/1/apply-backlog")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };

        using var response = await _owner.SendAsync(request);
        var error = (await response.JsonAsync()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Contains(problem, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(published, _messages.Count);
    }

    [Fact]
    public async Task Should_answer_not_found_for_a_project_gitlab_does_not_show()
    {
        using var response = await _owner.PostAsJsonAsync("/gitlab/projects/424242/apply-backlog", Backlog(NewPrompt(), "Nowhere"));
        var error = (await response.JsonAsync()).GetProperty("error");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(("not_found", 404), (error.GetProperty("code").GetString(), error.GetProperty("gitlab_status").GetInt32()));
    }

    [Fact]
    public async Task Should_let_only_writers_apply()
    {
        using var viewer = await _gateway
            .ClientWithRoles(Roles.Viewer)
            .PostAsJsonAsync("/gitlab/projects/1/apply-backlog", Backlog(NewPrompt(), "Viewer"));
        using var anonymous = await _gateway
            .CreateClient()
            .PostAsJsonAsync("/gitlab/projects/1/apply-backlog", Backlog(NewPrompt(), "Anonymous"));

        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("forbidden", (await viewer.JsonAsync()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_apply_with_the_callers_token_and_keep_it_out_of_messages_logs_and_answers()
    {
        using var accepted = await ApplyAsync(Backlog(NewPrompt(), "As the caller"), callerToken: CallerToken);
        using var refused = await ApplyAsync(Backlog(NewPrompt(), "As a stranger"), callerToken: RefusedToken);
        var refusal = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(401, JsonDocument.Parse(refusal).RootElement.GetProperty("error").GetProperty("gitlab_status").GetInt32());
        Assert.Contains(_messages, message => message.Contains("\"cred_", StringComparison.Ordinal));
        foreach (var token in new[] { CallerToken, RefusedToken })
        {
            Assert.DoesNotContain(_messages, message => message.Contains(token, StringComparison.Ordinal));
            Assert.DoesNotContain(_gateway.Logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
            Assert.DoesNotContain(token, refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_document_the_endpoint_in_the_openapi_document()
    {
        var document = await (await _owner.GetAsync("/openapi/v1.json")).JsonAsync();

        Assert.True(document.GetProperty("paths").TryGetProperty("/gitlab/projects/{project_id}/apply-backlog", out var path));
        Assert.True(path.GetProperty("post").GetProperty("responses").TryGetProperty("202", out _));
    }

    private Task<HttpResponseMessage> ApplyAsync(object body, string query = "", string? callerToken = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/gitlab/projects/1/apply-backlog{query}")
        {
            Content = JsonContent.Create(body),
        };
        if (callerToken is not null)
        {
            request.Headers.Add(CallerCredential.Header, callerToken);
        }

        return _owner.SendAsync(request);
    }

    private static object Backlog(string prompt, params string[] issueTitles) =>
        new
        {
            prompt_id = prompt,
            issues = issueTitles
                .Select(title => new
                {
                    title,
                    description = "",
                    labels = new[] { "bug" },
                })
                .ToArray(),
        };

    private static string NewPrompt() => $"prompt-{Guid.NewGuid():N}";

    private static List<string> Names(JsonElement element) =>
        [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    private async Task<int> IssueCountAsync() =>
        (await _simulator.GetFromJsonAsync<JsonElement>("/_sim/state")).GetProperty("issues").GetInt32();

    private async Task<JsonElement> SimulatorIssueAsync(string id) =>
        (await _simulator.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/issues?state=all&per_page=100"))
            .EnumerateArray()
            .Single(issue => issue.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == id);
}
