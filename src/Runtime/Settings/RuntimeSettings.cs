using Microsoft.Extensions.Configuration;

namespace GitLabBus.Runtime.Settings;

/// <summary>The settings every host reads at start; a bad value stops the host before anything runs.</summary>
public sealed record RuntimeSettings(BusSettings Bus, RedisSettings Redis, WebhookSettings Webhooks)
{
    /// <summary>For a role's own settings, read and validated the same way.</summary>
    public SettingsReader Reader { get; init; } = new(new ConfigurationBuilder().Build());

    public static RuntimeSettings Read(IConfiguration configuration)
    {
        var reader = new SettingsReader(configuration);
        return new RuntimeSettings(BusSettings.Read(reader), RedisSettings.Read(reader), WebhookSettings.Read(reader)) { Reader = reader };
    }
}
