namespace GitLabBus.Runtime.Settings;

/// <summary>Where state lives: Redis when <c>REDIS_URL</c> is set, process memory otherwise.</summary>
public sealed record RedisSettings
{
    public Uri? Url { get; init; }

    /// <summary><c>REDIS_PASSWORD</c>, used when the URL carries none.</summary>
    public string? Password { get; init; }

    /// <summary><c>REDIS_DB</c>; a database number in the URL path wins.</summary>
    public int Database { get; init; }

    public bool InMemory => Url is null;

    public string Describe() =>
        Url is null ? "in-memory state" : $"Redis {Url.Scheme}://{Url.Host}:{(Url.IsDefaultPort ? 6379 : Url.Port)}/{Database}";

    public static RedisSettings Read(SettingsReader reader)
    {
        var url = reader.AbsoluteUri("REDIS_URL", "redis", "rediss");
        var database = reader.Int("REDIS_DB", 0, 0, 1023);
        var path = url?.AbsolutePath.Trim('/');
        if (!string.IsNullOrEmpty(path))
        {
            database =
                int.TryParse(path, out var fromPath) && fromPath >= 0
                    ? fromPath
                    : throw new InvalidSettingException("REDIS_URL", "must name the database as a number, e.g. redis://host:6379/0");
        }

        return new RedisSettings
        {
            Url = url,
            Password = reader.Optional("REDIS_PASSWORD"),
            Database = database,
        };
    }
}
