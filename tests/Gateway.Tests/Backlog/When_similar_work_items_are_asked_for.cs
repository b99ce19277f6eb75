using System.Net;
using System.Text;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Gateway.Backlog;

/// <summary>
/// <c>backlog/similar</c> and <c>backlog/duplicates</c> in embedded mode over the demo's <c>demo/shop</c> (3 epics, 7 issues),
/// its titles cached by the default provider (minilm) before each question.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_similar_work_items_are_asked_for : IClassFixture<GatewayFactory>
{
    private const string Model = "minilm/all-MiniLM-L6-v2";
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _owner;
    private readonly HttpClient _viewer;

    public When_similar_work_items_are_asked_for(GatewayFactory gateway)
    {
        _gateway = gateway;
        _owner = gateway.ClientWithRoles(Roles.ProjectOwner);
        _viewer = gateway.ClientWithRoles(Roles.Viewer);
    }

    [Fact]
    public async Task Should_rank_the_projects_work_items_by_how_similar_their_titles_are()
    {
        await EmbeddingRuns.CacheAsync(_owner, "1");

        using var response = await _viewer.GetAsync(
            "/gitlab/projects/1/backlog/similar?text=Discounts%20are%20not%20applied%20to%20the%20cart%20total"
        );
        var answer = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Model, answer.GetProperty("model").GetString());
        var items = answer.Items();
        Assert.Equal("Cart total ignores discounts", items[0].GetProperty("title").GetString());
        Assert.Equal(
            ["id", "kind", "score", "title", "web_url"],
            items[0].EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)
        );
        Assert.Equal("issue", items[0].GetProperty("kind").GetString());
        Assert.EndsWith("/demo/shop/-/issues/1", items[0].GetProperty("web_url").GetString(), StringComparison.Ordinal);
        Assert.True(items[0].GetProperty("score").GetDouble() > 0.7);
        var scores = items.Select(item => item.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.All(scores, score => Assert.True(score >= 0.5));
    }

    [Fact]
    public async Task Should_keep_to_the_limit_and_the_threshold()
    {
        await EmbeddingRuns.CacheAsync(_owner, "1");

        var two = await ItemsAsync("/gitlab/projects/1/backlog/similar?text=checkout&limit=2&min_score=-1");
        var none = await ItemsAsync("/gitlab/projects/demo%2Fshop/backlog/similar?text=checkout&min_score=0.99");

        Assert.Equal(2, two.Count);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Should_name_for_each_proposed_item_the_work_items_it_may_duplicate()
    {
        await EmbeddingRuns.CacheAsync(_owner, "1");

        using var response = await _viewer.PostAsync(
            "/gitlab/projects/1/backlog/duplicates",
            Json(
                """
                {"items": [
                  {"title": "Product search should tolerate spelling mistakes", "description": "fuzzy matching"},
                  {"title": "Migrate the build to a new CI runner"}
                ]}
                """
            )
        );
        var answer = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Model, answer.GetProperty("model").GetString());
        var (typo, runner) = (answer.Items()[0], answer.Items()[1]);
        Assert.Equal("Product search should tolerate spelling mistakes", typo.GetProperty("title").GetString());
        Assert.Equal("Typo-tolerant product search", typo.GetProperty("matches")[0].GetProperty("title").GetString());
        Assert.InRange(typo.GetProperty("matches").GetArrayLength(), 1, 3);
        Assert.Empty(runner.GetProperty("matches").EnumerateArray());
    }

    [Fact]
    public async Task Should_answer_409_when_the_project_has_no_cached_titles()
    {
        using var response = await _viewer.GetAsync("/gitlab/projects/community%2Fplugins/backlog/similar?text=plugin%20crash");
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("conflict", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("cache-embeddings", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_409_naming_both_models_when_the_titles_were_cached_by_another()
    {
        await EmbeddingRuns.CacheAsync(_owner, "1");
        await _gateway
            .Services.GetRequiredService<IEmbeddingCache>()
            .CompleteRunAsync(1, "local/hashed-words-256", new HashSet<string>(), CancellationToken.None);

        using var response = await _viewer.PostAsync(
            "/gitlab/projects/1/backlog/duplicates",
            Json("""{"items": [{"title": "Checkout"}]}""")
        );
        var message = (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("local/hashed-words-256", message, StringComparison.Ordinal);
        Assert.Contains(Model, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/gitlab/projects/1/backlog/similar", "text is required")]
    [InlineData("/gitlab/projects/1/backlog/similar?text=%20", "text is required")]
    [InlineData("/gitlab/projects/1/backlog/similar?text=a&limit=0", "limit must be 1 to 100")]
    [InlineData("/gitlab/projects/1/backlog/similar?text=a&limit=101", "limit must be 1 to 100")]
    [InlineData("/gitlab/projects/1/backlog/similar?text=a&min_score=1.5", "min_score must be -1 to 1")]
    [InlineData("/gitlab/projects/1/backlog/similar?text=a&min_score=NaN", "min_score must be -1 to 1")]
    [InlineData("/gitlab/projects/-1/backlog/similar?text=a", "project_id must be")]
    public async Task Should_refuse_a_bad_question_with_a_clear_400(string url, string expected)
    {
        using var response = await _viewer.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "at least one item")]
    [InlineData("""{"items": []}""", "at least one item")]
    [InlineData("""{"items": [null]}""", "items[0].title is required")]
    [InlineData("""{"items": [{"title": "ok"}, {"description": "no title"}]}""", "items[1].title is required")]
    [InlineData("""{"items": [{"title": "   "}]}""", "items[0].title is required")]
    public async Task Should_refuse_bad_proposed_items_with_a_clear_400(string body, string expected)
    {
        using var response = await _viewer.PostAsync("/gitlab/projects/1/backlog/duplicates", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_too_many_or_too_long_proposed_items()
    {
        var many = "{\"items\": [" + string.Join(",", Enumerable.Repeat("{\"title\": \"x\"}", 101)) + "]}";
        var longTitle = $"{{\"items\": [{{\"title\": \"{new string('x', 256)}\"}}]}}";
        var longText = $"/gitlab/projects/1/backlog/similar?text={new string('x', 1_001)}";

        using var tooMany = await _viewer.PostAsync("/gitlab/projects/1/backlog/duplicates", Json(many));
        using var tooLong = await _viewer.PostAsync("/gitlab/projects/1/backlog/duplicates", Json(longTitle));
        using var textTooLong = await _viewer.GetAsync(longText);

        Assert.Equal(
            (HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
            (tooMany.StatusCode, tooLong.StatusCode, textTooLong.StatusCode)
        );
    }

    private async Task<IReadOnlyList<System.Text.Json.JsonElement>> ItemsAsync(string url) =>
        (await (await _viewer.GetAsync(url)).JsonAsync()).Items();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
