using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Runtime.Settings;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Startup;

public sealed class When_the_gateway_starts_its_simulator
{
    [Fact]
    public async Task Should_accept_only_the_configured_tokens_beside_the_users_own_and_act_as_the_service_user()
    {
        await using var gateway = new GatewayFactory().With("SIMULATOR_TOKENS", "glpat-custom-one, glpat-custom-two=alice");
        using var client = gateway.CreateClient();

        using var health = await client.GetAsync("/health/gitlab");
        using var withTheDefault = await SimulatorAsync(gateway, "glpat-simulator-root", "/api/v4/version");
        using var asRoot = await SimulatorAsync(gateway, "glpat-custom-one", "/api/v4/user");
        using var asAlice = await SimulatorAsync(gateway, "glpat-custom-two", "/api/v4/user");
        using var asTheService = await SimulatorAsync(gateway, GitLabSettings.SimulatorServiceToken, "/api/v4/user");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"healthy\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, withTheDefault.StatusCode);
        Assert.Equal("root", await UsernameAsync(asRoot));
        Assert.Equal("alice", await UsernameAsync(asAlice));
        Assert.Equal(SimulatorOptions.BotUsername, await UsernameAsync(asTheService));
        Assert.Equal(SimulatorOptions.BotToken, GitLabSettings.SimulatorServiceToken);
    }

    [Fact]
    public async Task Should_report_gitlab_unhealthy_when_the_service_token_is_not_one_it_accepts()
    {
        await using var gateway = new GatewayFactory().With("GITLAB_TOKEN", "glpat-not-accepted");
        using var client = gateway.CreateClient();

        using var health = await client.GetAsync("/health/gitlab");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("Authentication", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SimulatorAsync(GatewayFactory gateway, string token, string path)
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(gateway.SimulatorUrl) };
        simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", token);
        return await simulator.GetAsync(path);
    }

    private static async Task<string?> UsernameAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString();
}
