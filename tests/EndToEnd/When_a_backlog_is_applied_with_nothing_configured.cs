using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// The quick start's backlog: the gateway process applies a backlog to its simulator's demo project, the issue lands
/// in the new epic, and the same prompt again answers the same response without writing.
/// </summary>
public sealed class When_a_backlog_is_applied_with_nothing_configured : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;

    public When_a_backlog_is_applied_with_nothing_configured(GatewayProcess gateway) => _gateway = gateway;

    [Fact]
    public async Task Should_create_the_epic_and_its_issue_once()
    {
        using var gateway = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.AdminToken);
        var backlog = new
        {
            prompt_id = "quick-start-1",
            epics = new[] { new { title = "Payments", labels = new[] { "feature" } } },
            issues = new[]
            {
                new
                {
                    title = "Card payments",
                    labels = new[] { "backend" },
                    epic_id = "new:0",
                },
            },
        };

        using var first = await gateway.PostAsJsonAsync("/gitlab/projects/1/apply-backlog", backlog);
        using var again = await gateway.PostAsJsonAsync("/gitlab/projects/1/apply-backlog", backlog);
        var applied = await first.Content.ReadFromJsonAsync<JsonElement>();
        var issues = await gateway.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/backlog?search=Card%20payments");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(applied.GetRawText(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetRawText());
        Assert.Equal("created", applied.GetProperty("results").GetProperty("issues")[0].GetProperty("action").GetString());
        Assert.Single(issues.GetProperty("items").EnumerateArray(), item => item.GetProperty("kind").GetString() == "issue");
    }
}
