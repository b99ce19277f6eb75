using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Reviews;

/// <summary>Reviews' REST API on the embedded gateway and its simulator: ask for one, read it, and what is refused.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_reviews_are_used_over_http : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new();
    private HttpClient _owner = null!;
    private HttpClient _viewer = null!;

    public Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _viewer = _gateway.ClientWithRoles(Roles.Viewer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_review_as_an_operation_and_show_the_latest_review()
    {
        using var before = await _viewer.GetAsync("/gitlab/projects/1/merge-requests/1/review");
        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/merge-requests/1/review", new { });
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString();

        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                        is "failed"
                            or "completed",
                TimeSpan.FromSeconds(30)
            )
        );
        var review = await (await _viewer.GetAsync("/gitlab/projects/1/merge-requests/1/review")).JsonAsync();

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        Assert.Equal("rules", review.GetProperty("provider").GetString());
        Assert.Equal(40, review.GetProperty("head_sha").GetString()!.Length);
        Assert.True(review.GetProperty("note_id").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Array, review.GetProperty("findings").ValueKind);
        Assert.Equal(JsonValueKind.Array, review.GetProperty("skipped_files").ValueKind);
        var metrics = "";
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (metrics = await _owner.GetStringAsync("/metrics")).Contains("reviews_total{", StringComparison.Ordinal)
            )
        );
        Assert.Matches("reviews_total\\{[^}]*provider=\"rules\"[^}]*result=\"completed\"", metrics);
        Assert.Contains("review_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Matches("review_findings_total\\{[^}]*severity=\"info\"", metrics);
    }

    [Theory]
    [InlineData("/gitlab/projects/1/merge-requests/0/review", "{}", HttpStatusCode.BadRequest, "merge_request_iid")]
    [InlineData("/gitlab/projects/1/merge-requests/404/review", "{}", HttpStatusCode.NotFound, "")]
    [InlineData("/gitlab/projects/1/merge-requests/1/review", "{\"command\":\"ask\"}", HttpStatusCode.BadRequest, "question")]
    [InlineData("/gitlab/projects/1/merge-requests/1/review", "{\"command\":\"rewrite\"}", HttpStatusCode.BadRequest, "command")]
    public async Task Should_refuse_what_it_cannot_review(string path, string body, HttpStatusCode status, string named)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var refused = await _owner.PostAsync(path, content);

        var error = await refused.JsonAsync();
        Assert.Equal(status, refused.StatusCode);
        Assert.Contains(named, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_not_let_a_viewer_ask_for_a_review()
    {
        using var refused = await _viewer.PostAsJsonAsync("/gitlab/projects/1/merge-requests/1/review", new { });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
