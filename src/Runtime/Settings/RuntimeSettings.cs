using Microsoft.Extensions.Configuration;

namespace GitLabBus.Runtime.Settings;

/// <summary>The settings every host reads at start; a bad value stops the host before anything runs.</summary>
public sealed record RuntimeSettings(BusSettings Bus, RedisSettings Redis, WebhookSettings Webhooks)
{
    public static RuntimeSettings Read(IConfiguration configuration)
    {
        var reader = new SettingsReader(configuration);
        return new RuntimeSettings(BusSettings.Read(reader), RedisSettings.Read(reader), WebhookSettings.Read(reader));
    }
}
