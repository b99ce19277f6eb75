namespace GitLabBus.Runtime.Settings;

/// <summary>Where state lives: Redis when <c>REDIS_URL</c> is set, process memory otherwise.</summary>
public sealed record RedisSettings
{
    /// <summary>The server, or a Redis Cluster's seed nodes (the client learns the others from them); empty in memory.</summary>
    public IReadOnlyList<ServerEndpoint> Endpoints { get; init; } = [];

    public bool UseTls { get; init; }

    /// <summary>The ACL user of the URL, if it names one.</summary>
    public string? User { get; init; }

    /// <summary>The URL's password, else <c>REDIS_PASSWORD</c>.</summary>
    public string? Password { get; init; }

    /// <summary><c>REDIS_DB</c>; a database number in the URL path wins. A Redis Cluster has database 0 only.</summary>
    public int Database { get; init; }

    public bool InMemory => Endpoints.Count == 0;

    public string Describe() =>
        InMemory ? "in-memory state" : $"Redis {(UseTls ? "rediss" : "redis")}://{string.Join(',', Endpoints)}/{Database}";

    public static RedisSettings Read(SettingsReader reader)
    {
        var url = ServerUrl.Read(reader, "REDIS_URL", "redis", "rediss");
        var database = reader.Int("REDIS_DB", 0, 0, 1023);
        if (url is null)
        {
            return new RedisSettings { Database = database };
        }

        if (url.Path.Trim('/') is { Length: > 0 } path)
        {
            database =
                int.TryParse(path, out var fromPath) && fromPath >= 0
                    ? fromPath
                    : throw new InvalidSettingException("REDIS_URL", "must name the database as a number, e.g. redis://host:6379/0");
        }

        var (user, password) = url.Credentials();
        return new RedisSettings
        {
            Endpoints = [.. url.Servers.Select(server => server with { Port = server.Port ?? 6379 })],
            UseTls = url.Scheme == "rediss",
            User = string.IsNullOrEmpty(user) ? null : user,
            Password = password ?? reader.Optional("REDIS_PASSWORD"),
            Database = database,
        };
    }
}
