using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.Configuration;

namespace GitLabBus.Tests.Runtime.Settings;

/// <summary>The OAuth application's settings: all three or none, the simulator's own without them, and no secret in a log.</summary>
public sealed class GitLabOAuthSettingsSpecs
{
    private static GitLabOAuthSettings Read(bool usesSimulator, params (string Key, string Value)[] values) =>
        GitLabOAuthSettings.Read(
            new SettingsReader(
                new ConfigurationBuilder()
                    .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
                    .Build()
            ),
            usesSimulator
        );

    [Fact]
    public void Without_settings_the_built_in_simulators_application_is_used_and_a_real_gitlab_has_none()
    {
        var embedded = Read(usesSimulator: true);
        var real = Read(usesSimulator: false);

        Assert.True(embedded is { Configured: true, UsesEmbeddedApplication: true, RedirectUri: null });
        Assert.Equal(GitLabOAuthSettings.EmbeddedClientId, embedded.ClientId);
        Assert.False(real.Configured);
    }

    [Fact]
    public void All_three_settings_make_the_application_and_its_secret_stays_out_of_its_description()
    {
        var settings = Read(
            false,
            ("GITLAB_OAUTH_CLIENT_ID", "app-id"),
            ("GITLAB_OAUTH_CLIENT_SECRET", "gloas-very-secret"),
            ("GITLAB_OAUTH_REDIRECT_URI", "https://bus.example.com/auth/gitlab/callback"),
            ("GITLAB_OAUTH_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000")
        );

        Assert.True(settings is { Configured: true, UsesEmbeddedApplication: false });
        Assert.Equal(["https://app.example.com", "http://localhost:3000"], settings.AllowedOrigins);
        Assert.DoesNotContain("gloas-very-secret", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GITLAB_OAUTH_CLIENT_ID", "GITLAB_OAUTH_CLIENT_SECRET")]
    [InlineData("GITLAB_OAUTH_CLIENT_SECRET", "GITLAB_OAUTH_CLIENT_ID")]
    [InlineData("GITLAB_OAUTH_REDIRECT_URI", "GITLAB_OAUTH_CLIENT_ID")]
    public void One_setting_without_the_others_stops_the_start_naming_what_is_missing(string given, string named)
    {
        var value = given.EndsWith("URI", StringComparison.Ordinal) ? "https://bus.example.com/auth/gitlab/callback" : "x";

        var refused = Assert.Throws<InvalidSettingException>(() => Read(true, (given, value)));

        Assert.StartsWith($"configuration error: {named} ", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app.example.com")]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    public void An_allowed_origin_is_an_origin_and_nothing_more(string origin)
    {
        var refused = Assert.Throws<InvalidSettingException>(() => Read(true, ("GITLAB_OAUTH_ALLOWED_ORIGINS", origin)));

        Assert.StartsWith("configuration error: GITLAB_OAUTH_ALLOWED_ORIGINS ", refused.Message, StringComparison.Ordinal);
    }
}
