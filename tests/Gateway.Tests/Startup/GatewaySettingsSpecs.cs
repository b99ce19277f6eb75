using GitLabBus.Gateway.Startup;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.Configuration;

namespace GitLabBus.Tests.Gateway.Startup;

public sealed class GatewaySettingsSpecs
{
    private static GatewaySettings Read(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return GatewaySettings.Read(new SettingsReader(configuration), RuntimeSettings.Read(configuration));
    }

    [Fact]
    public void Embedded_mode_generates_the_missing_secrets()
    {
        var settings = Read();

        Assert.True(settings.WebhookSecretGenerated);
        Assert.True(settings.JwtSecretGenerated);
        Assert.True(settings.JwtSecret.Length >= GatewaySettings.MinimumJwtSecretLength);
        Assert.True(settings.RunsAllRoles);
    }

    [Theory]
    [InlineData("GITLAB_WEBHOOK_SECRET")]
    [InlineData("LOCAL_JWT_SECRET")]
    public void On_rabbitmq_a_missing_secret_stops_start(string missing)
    {
        var values = new List<(string, string)>
        {
            ("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"),
            ("REDIS_URL", "redis://127.0.0.1:6379"),
            ("GITLAB_WEBHOOK_SECRET", "webhook-secret"),
            ("LOCAL_JWT_SECRET", new string('k', 40)),
        };
        values.RemoveAll(v => v.Item1 == missing);

        var failure = Assert.Throws<InvalidSettingException>(() => Read(values.ToArray()));

        Assert.Equal($"configuration error: {missing} is required but not set", failure.Message);
    }

    [Fact]
    public void A_short_jwt_secret_is_refused_without_echoing_it()
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Read(("LOCAL_JWT_SECRET", "short-secret")));

        Assert.Equal("LOCAL_JWT_SECRET", failure.Variable);
        Assert.DoesNotContain("short-secret", failure.Message);
    }

    [Theory]
    [InlineData("GITLAB_WEBHOOK_SIGNING_TOKEN", "whsec_not base64 at all!")]
    [InlineData("GITLAB_WEBHOOK_SIGNING_TOKEN", "whsec_%%%%")]
    [InlineData("GITLABBUS_ADMIN_PASSWORD", "too-short")]
    public void A_secret_that_cannot_work_stops_start_without_echoing_it(string variable, string value)
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Read((variable, value)));

        Assert.Equal(variable, failure.Variable);
        Assert.DoesNotContain(value, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_mode_generates_the_first_admins_password_unless_it_is_given()
    {
        Assert.True(Read().Identity is { AdminPasswordGenerated: true, AdminPassword.Length: >= 12 });
        Assert.Equal("a given passphrase", Read(("GITLABBUS_ADMIN_PASSWORD", "a given passphrase")).Identity.AdminPassword);
        Assert.Null(
            Read(
                ("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"),
                ("REDIS_URL", "redis://127.0.0.1:6379"),
                ("GITLAB_WEBHOOK_SECRET", "webhook-secret"),
                ("LOCAL_JWT_SECRET", new string('k', 40))
            ).Identity.AdminPassword
        );
    }

    [Fact]
    public void A_gateway_beside_separate_hosts_needs_redis()
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Read(("RABBITMQ_URL", "amqp://127.0.0.1/")));

        Assert.Equal("REDIS_URL", failure.Variable);
    }

    [Fact]
    public void Secrets_never_show_in_the_settings_text()
    {
        var settings = Read(("GITLAB_WEBHOOK_SECRET", "hook-secret-123"), ("LOCAL_JWT_SECRET", new string('j', 40)));

        Assert.DoesNotContain("hook-secret-123", settings.ToString());
        Assert.DoesNotContain(new string('j', 40), settings.ToString());
    }
}
