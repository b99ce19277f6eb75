using System.Net;
using System.Net.Http.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Backlog;

/// <summary>
/// apply-backlog over the demo's <c>demo/shop</c> with its titles cached: a new item whose title is at least
/// <c>DUPLICATE_WARNING_SCORE</c> similar to an open work item is applied with a warning naming it; a closed one is not warned of.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_new_backlog_item_looks_like_open_work : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new GatewayFactory().With("DUPLICATE_WARNING_SCORE", "0.85");
    private HttpClient _owner = null!;

    public async Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        await EmbeddingRuns.CacheAsync(_owner, "1");
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_warn_naming_the_open_work_item_and_still_plan_the_item()
    {
        using var response = await _owner.PostAsJsonAsync(
            "/gitlab/projects/1/apply-backlog?dry_run=true",
            new
            {
                prompt_id = $"similar-{Guid.NewGuid():N}",
                issues = new[]
                {
                    new { title = "Cart total ignores the discounts" },
                    new { title = "Update the README with setup steps" },
                    new { title = "Migrate the build to a new CI runner" },
                },
            }
        );
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.GetProperty("results").GetProperty("issues").GetArrayLength());
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal(("issue", 0), (warning.GetProperty("scope").GetString(), warning.GetProperty("input_index").GetInt32()));
        var message = warning.GetProperty("message").GetString()!;
        Assert.Contains("open issue #1 \"Cart total ignores discounts\"", message, StringComparison.Ordinal);
        Assert.Contains("/demo/shop/-/issues/1", message, StringComparison.Ordinal);
    }
}
