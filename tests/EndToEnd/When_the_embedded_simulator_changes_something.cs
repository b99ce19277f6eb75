using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>The quick start with nothing configured: the built-in simulator serves the demo and its hooks reach the gateway.</summary>
public sealed class When_the_embedded_simulator_changes_something : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;

    public When_the_embedded_simulator_changes_something(GatewayProcess gateway) => _gateway = gateway;

    [Fact]
    public async Task Should_deliver_gitlabs_webhook_to_the_gateway_and_route_it()
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", "glpat-simulator-root");
        using var gateway = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.AdminToken);

        var project = await simulator.GetFromJsonAsync<JsonElement>("/api/v4/projects/demo%2Fshop");
        using var created = await simulator.PostAsJsonAsync("/api/v4/projects/1/issues", new { title = "Raised in the simulator" });
        var routed = await GitLabDelivery.EventuallyAsync(
            async () =>
                (await gateway.GetStringAsync("/webhooks/deliveries?limit=50")).Contains(
                    "\"routed_to\":[\"IssueChanged\"]",
                    StringComparison.Ordinal
                ),
            TimeSpan.FromSeconds(30)
        );
        var health = await gateway.GetFromJsonAsync<JsonElement>("/health/gitlab");

        Assert.Equal(1, project.GetProperty("id").GetInt64());
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        Assert.True(routed, "the simulator's Issue Hook reached the gateway and became IssueChanged");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Contains("gitlab     built-in simulator", _gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_delivering_to_the_gateway_after_the_demo_is_seeded_again()
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", "glpat-simulator-root");
        using var gateway = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.AdminToken);
        var before = await IssueDeliveriesAsync(gateway);

        using var seeded = await simulator.PostAsync("/_sim/seed", null);
        using var created = await simulator.PostAsJsonAsync("/api/v4/projects/1/issues", new { title = "Raised after a new seed" });
        var delivered = await GitLabDelivery.EventuallyAsync(
            async () => await IssueDeliveriesAsync(gateway) > before,
            TimeSpan.FromSeconds(30)
        );

        Assert.Equal(System.Net.HttpStatusCode.OK, seeded.StatusCode);
        Assert.True(delivered, "demo/shop's hook to the gateway came back with the seed");
    }

    private static async Task<int> IssueDeliveriesAsync(HttpClient gateway)
    {
        var deliveries = await gateway.GetFromJsonAsync<JsonElement>("/webhooks/deliveries?limit=500");
        return deliveries
            .GetProperty("deliveries")
            .EnumerateArray()
            .Count(delivery => delivery.GetProperty("event").GetString() == "Issue Hook");
    }
}
