using System.Net;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Startup;

public sealed class When_the_gateway_starts_its_simulator
{
    [Fact]
    public async Task Should_accept_only_the_configured_tokens_and_use_the_first_as_the_service_token()
    {
        await using var gateway = new GatewayFactory().With("SIMULATOR_TOKENS", "glpat-custom-one, glpat-custom-two");
        using var client = gateway.CreateClient();

        using var health = await client.GetAsync("/health/gitlab");
        using var simulator = new HttpClient { BaseAddress = new Uri(gateway.SimulatorUrl) };
        simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", "glpat-simulator-root");
        using var withTheDefault = await simulator.GetAsync("/api/v4/version");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"healthy\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, withTheDefault.StatusCode);
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
}
