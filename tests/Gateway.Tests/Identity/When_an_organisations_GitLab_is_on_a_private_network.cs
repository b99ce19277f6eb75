using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// Outside embedded mode an organisation's GitLab must be on a public address (OUTBOUND_ALLOW_PRIVATE_NETWORKS=false, the
/// default there): one that resolves to loopback, link-local or a private network is refused when it is configured.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisations_GitLab_is_on_a_private_network
    : IClassFixture<When_an_organisations_GitLab_is_on_a_private_network.Gateway>
{
    public sealed class Gateway : IDisposable
    {
        public GatewayFactory Factory { get; } = new GatewayFactory().With("OUTBOUND_ALLOW_PRIVATE_NETWORKS", "false");

        public void Dispose() => Factory.Dispose();
    }

    private readonly GatewayFactory _gateway;

    public When_an_organisations_GitLab_is_on_a_private_network(Gateway gateway) => _gateway = gateway.Factory;

    [Theory]
    [InlineData("http://127.0.0.1:8929")]
    [InlineData("http://localhost")]
    [InlineData("https://169.254.169.254")]
    [InlineData("https://10.0.0.7/gitlab")]
    public async Task Should_refuse_it_and_keep_nothing(string baseUrl)
    {
        using var owner = _gateway.CreateClient();
        var token = TokenIssuer.Issue(_gateway.Settings, "owner", [Roles.Admin], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var refused = await owner.PutAsJsonAsync(
            "/api/orgs/initech/integrations/gitlab",
            new
            {
                base_url = baseUrl,
                token = "glpat-initech-0123456789",
                webhook_secret = "initech-webhook-secret",
            }
        );

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(
            "OUTBOUND_ALLOW_PRIVATE_NETWORKS",
            (await refused.JsonAsync()).GetProperty("error").GetProperty("message").GetString()
        );
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/orgs/initech/integrations/gitlab")).StatusCode);
    }
}
