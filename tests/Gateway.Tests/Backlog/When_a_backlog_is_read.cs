using System.Net;
using System.Text.Json;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Gateway.Backlog;

/// <summary>
/// The backlog read and project resolve through the gateway, the consumers and the embedded simulator's demo:
/// group <c>demo</c> (3 epics) with project <c>demo/shop</c> (7 issues, 1 closed), and group <c>community</c>
/// without epics with project <c>community/plugins</c>.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_backlog_is_read : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _viewer;

    public When_a_backlog_is_read(GatewayFactory gateway)
    {
        _gateway = gateway;
        _viewer = gateway.ClientWithRoles(Roles.Viewer);
    }

    [Fact]
    public async Task Should_list_the_groups_epics_then_the_projects_issues_in_the_seeds_shape()
    {
        using var response = await _viewer.GetAsync("/gitlab/projects/1/backlog?state=all&per_page=100");
        var list = await response.JsonAsync();
        var items = list.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-GitLab-Epics-Disabled"));
        Assert.Equal(
            ["epic", "epic", "epic", "issue", "issue", "issue", "issue", "issue", "issue", "issue"],
            items.Select(item => item.GetProperty("kind").GetString())
        );
        var first = items[0];
        Assert.Equal(
            ["description", "id", "iid", "kind", "labels", "state", "title", "title_embedding", "web_url"],
            first.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)
        );
        Assert.Equal(JsonValueKind.String, first.GetProperty("id").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("title_embedding").ValueKind);
        var pagination = list.GetProperty("pagination");
        Assert.Equal(
            (1, 100, 10),
            (
                pagination.GetProperty("page").GetInt32(),
                pagination.GetProperty("per_page").GetInt32(),
                pagination.GetProperty("total").GetInt32()
            )
        );
        Assert.Equal(JsonValueKind.Null, pagination.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task Should_page_across_the_epics_and_issues_as_one_list()
    {
        var whole = (await (await _viewer.GetAsync("/gitlab/projects/1/backlog?state=all&per_page=100")).JsonAsync())
            .GetProperty("items")
            .EnumerateArray()
            .Select(Key)
            .ToList();

        var paged = new List<string>();
        int? page = 1;
        var pages = new List<JsonElement>();
        while (page is { } current)
        {
            var list = await (await _viewer.GetAsync($"/gitlab/projects/1/backlog?state=all&per_page=2&page={current}")).JsonAsync();
            pages.Add(list.GetProperty("pagination"));
            paged.AddRange(list.GetProperty("items").EnumerateArray().Select(Key));
            page =
                list.GetProperty("pagination").GetProperty("next_page").ValueKind == JsonValueKind.Null
                    ? null
                    : list.GetProperty("pagination").GetProperty("next_page").GetInt32();
        }

        Assert.Equal(whole, paged);
        Assert.Equal(5, pages.Count);
        Assert.Equal(1, pages[1].GetProperty("prev_page").GetInt32());
        Assert.All(pages, pagination => Assert.Equal(10, pagination.GetProperty("total").GetInt32()));
    }

    [Fact]
    public async Task Should_let_gitlab_filter_by_labels_state_and_search()
    {
        var bugs = await ItemsAsync("/gitlab/projects/1/backlog?labels=bug");
        var closed = await ItemsAsync("/gitlab/projects/1/backlog?state=closed");
        var searched = await ItemsAsync("/gitlab/projects/1/backlog?search=checkout");

        Assert.Equal(3, bugs.Count);
        Assert.All(bugs, item => Assert.Contains("bug", item.GetProperty("labels").EnumerateArray().Select(label => label.GetString())));
        Assert.Equal(["Update README with setup steps"], closed.Select(item => item.GetProperty("title").GetString()));
        Assert.All(closed, item => Assert.Equal("closed", item.GetProperty("state").GetString()));
        Assert.Contains(searched, item => item.GetProperty("kind").GetString() == "epic");
        Assert.All(
            searched,
            item =>
                Assert.Contains(
                    "checkout",
                    (item.GetProperty("title").GetString() + item.GetProperty("description").GetString()).ToLowerInvariant()
                )
        );
    }

    [Fact]
    public async Task Should_say_when_the_projects_groups_have_no_epics()
    {
        using var response = await _viewer.GetAsync("/gitlab/projects/community%2Fplugins/backlog");
        var items = (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal("true", response.Headers.GetValues("X-GitLab-Epics-Disabled").Single());
        Assert.Equal(2, items.Count);
        Assert.All(items, item => Assert.Equal("issue", item.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Should_fill_title_embeddings_from_the_cache_only_and_only_of_the_current_model()
    {
        var items = await ItemsAsync("/gitlab/projects/1/backlog?state=all&per_page=100");
        var epic = items.First(item => item.GetProperty("kind").GetString() == "epic");
        var issues = items.Where(item => item.GetProperty("kind").GetString() == "issue").ToList();
        var (issue, ofAnotherModel) = (issues[0], issues[1]);
        var cache = _gateway.Services.GetRequiredService<IEmbeddingCache>();
        var model = _gateway.Services.GetRequiredService<IEmbeddingProvider>().Model;
        await cache.WriteAsync(1, model, [Cached(epic, [0.25f, 0.5f]), Cached(issue, [1f, 0f])], CancellationToken.None);
        await cache.WriteAsync(1, "local/hashed-words-256", [Cached(ofAnotherModel, [0f, 1f])], CancellationToken.None);

        var cached = await ItemsAsync("/gitlab/projects/1/backlog?state=all&per_page=100");

        Assert.Equal(
            [0.25f, 0.5f],
            cached.First(item => Key(item) == Key(epic)).GetProperty("title_embedding").EnumerateArray().Select(value => value.GetSingle())
        );
        Assert.Equal(
            [1f, 0f],
            cached.First(item => Key(item) == Key(issue)).GetProperty("title_embedding").EnumerateArray().Select(value => value.GetSingle())
        );
        Assert.Equal(8, cached.Count(item => item.GetProperty("title_embedding").ValueKind == JsonValueKind.Null));
    }

    private static CachedTitle Cached(JsonElement item, float[] vector) =>
        new(
            item.GetProperty("kind").GetString()!,
            item.GetProperty("id").GetString()!,
            item.GetProperty("iid").GetString()!,
            item.GetProperty("title").GetString()!,
            item.GetProperty("web_url").GetString()!,
            item.GetProperty("state").GetString()!,
            vector
        );

    [Theory]
    [InlineData("/gitlab/projects/1/backlog?state=merged", "state must be opened, closed or all")]
    [InlineData("/gitlab/projects/1/backlog?per_page=101", "per_page must be 1 to 100")]
    [InlineData("/gitlab/projects/1/backlog?page=0", "page must be 1 to 10000")]
    [InlineData("/gitlab/projects/1/backlog?page=2147483647", "page must be 1 to 10000")]
    [InlineData(
        "/gitlab/projects/1/backlog?labels="
            + "a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a"
            + ",a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a",
        "at most 100 labels"
    )]
    [InlineData("/gitlab/projects/not%20a%20project/backlog", "project_id must be")]
    public async Task Should_refuse_invalid_parameters(string path, string reason)
    {
        using var response = await _viewer.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(
            reason,
            (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Should_answer_not_found_for_a_project_gitlab_does_not_have()
    {
        using var response = await _viewer.GetAsync("/gitlab/projects/987/backlog");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Equal(("not_found", 404), (error.GetProperty("code").GetString(), error.GetProperty("gitlab_status").GetInt32()));
    }

    [Theory]
    [InlineData("{\"gitlab_path\":\"demo/shop\"}")]
    [InlineData("{\"gitlab_url\":\"{gitlab}/demo/shop\"}")]
    [InlineData("{\"gitlab_url\":\"{gitlab}/demo/shop.git\"}")]
    [InlineData("{\"gitlab_url\":\"{gitlab}/demo/shop/-/issues/3\"}")]
    public async Task Should_resolve_a_project_path_or_url(string body)
    {
        using var response = await _viewer.PostAsync(
            "/gitlab/projects/resolve",
            new StringContent(body.Replace("{gitlab}", _gateway.SimulatorUrl.TrimEnd('/')), System.Text.Encoding.UTF8, "application/json")
        );
        var project = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", project.GetProperty("project_id").GetString());
        Assert.Equal("demo/shop", project.GetProperty("path").GetString());
        Assert.Equal("shop", project.GetProperty("name").GetString());
        Assert.EndsWith("/demo/shop", project.GetProperty("web_url").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"gitlab_path\":\"shop\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"gitlab_url\":\"ftp://gitlab.example.com/demo/shop\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"gitlab_url\":\"https://gitlab.example.com/demo/shop\"}", HttpStatusCode.BadRequest)]
    [InlineData("{}", HttpStatusCode.BadRequest)]
    [InlineData("{\"gitlab_path\":\"demo/nothing-here\"}", HttpStatusCode.NotFound)]
    public async Task Should_refuse_a_malformed_or_unknown_path(string body, HttpStatusCode status)
    {
        using var response = await _viewer.PostAsync(
            "/gitlab/projects/resolve",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json")
        );

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_url_of_another_gitlab_naming_the_one_it_serves()
    {
        using var response = await _viewer.PostAsync(
            "/gitlab/projects/resolve",
            new StringContent("""{"gitlab_url":"https://gitlab.example.com/demo/shop"}""", System.Text.Encoding.UTF8, "application/json")
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("gitlab.example.com", message, StringComparison.Ordinal);
        Assert.Contains(new Uri(_gateway.SimulatorUrl).Authority, message, StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> ItemsAsync(string path) =>
        (await (await _viewer.GetAsync(path)).JsonAsync()).GetProperty("items").EnumerateArray().ToList();

    private static string Key(JsonElement item) => $"{item.GetProperty("kind").GetString()}:{item.GetProperty("id").GetString()}";
}
