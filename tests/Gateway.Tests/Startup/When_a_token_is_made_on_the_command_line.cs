using GitLabBus.Gateway.Startup;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GitLabBus.Tests.Gateway.Startup;

/// <summary>The token command: the roles and organisations asked for, signed with LOCAL_JWT_SECRET; a wrong argument refused.</summary>
public sealed class When_a_token_is_made_on_the_command_line
{
    private static readonly SettingsReader Settings = new(
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LOCAL_JWT_SECRET"] = "command-line-secret-0123456789abcdef" })
            .Build()
    );

    [Fact]
    public void Should_carry_the_roles_and_organisations_asked_for()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenCommand.Run(
            ["--role", "project_owner", "--org", "acme", "--org", "globex", "--sub", "ci"],
            Settings,
            output,
            error
        );

        Assert.Equal(0, exit);
        var token = new JsonWebToken(output.ToString().Trim());
        Assert.Equal(["acme", "globex"], token.Claims.Where(claim => claim.Type == "orgs").Select(claim => claim.Value));
        Assert.Equal(["project_owner"], token.Claims.Where(claim => claim.Type == "roles").Select(claim => claim.Value));
        Assert.Equal("ci", token.Subject);
    }

    [Fact]
    public void Should_refuse_an_organisation_without_its_id()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenCommand.Run(["--role", "viewer", "--org"], Settings, output, error);

        Assert.Equal(2, exit);
        Assert.Contains("--org ORG_ID", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }
}
