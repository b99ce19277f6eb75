using System.Net;
using System.Net.Http.Headers;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitLabBus.Tests.Gateway.Auth;

/// <summary>
/// The <c>roles</c> claim is an array of role names; a single string is taken as one role (as identity providers emit a
/// claim with one value), never split, so <c>"admin viewer"</c> or <c>"admin,viewer"</c> names no role at all.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_token_names_its_roles : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;

    public When_a_token_names_its_roles(GatewayFactory gateway) => _gateway = gateway;

    [Theory]
    [InlineData(new[] { "admin" }, HttpStatusCode.NotFound)]
    [InlineData(new[] { "viewer" }, HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.NotFound)]
    [InlineData("admin viewer", HttpStatusCode.Forbidden)]
    [InlineData("admin,viewer", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Forbidden)]
    public async Task Should_take_an_array_or_one_role_as_a_string(object? roles, HttpStatusCode replay)
    {
        using var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenWith(roles));

        using var response = await client.PostAsync($"/webhooks/deliveries/{Guid.NewGuid()}/replay", null);

        Assert.Equal(replay, response.StatusCode);
    }

    private string TokenWith(object? roles)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "role-tester", ["oid"] = Guid.NewGuid().ToString() };
        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(5),
                Claims = claims,
                SigningCredentials = new SigningCredentials(JwtAuthentication.SigningKey(_gateway.Settings), SecurityAlgorithms.HmacSha256),
            }
        );
    }
}
