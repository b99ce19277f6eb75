using GitLabBus.Runtime.Settings;
using StackExchange.Redis;

namespace GitLabBus.Runtime.State;

/// <summary>Builds the one multiplexer a process shares.</summary>
public static class RedisConnection
{
    public static ConfigurationOptions Options(RedisSettings settings)
    {
        if (settings.InMemory)
        {
            throw new InvalidOperationException("Redis is not configured.");
        }

        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            DefaultDatabase = settings.Database,
            Ssl = settings.UseTls,
            ClientName = "gitlabbus",
            // The .NET thread pool instead of the library's dedicated spinning threads: on a 2-core host those threads
            // took CPU from request handling.
            SocketManager = SocketManager.ThreadPool,
            ConnectTimeout = 5_000,
            AsyncTimeout = 5_000,
            User = settings.User,
            Password = settings.Password,
        };
        // Several endpoints are a Redis Cluster's seeds: the client reads the slot map from them and follows its changes
        // (a replica promoted after its master died, MOVED and ASK answers) on its own.
        foreach (var endpoint in settings.Endpoints)
        {
            options.EndPoints.Add(endpoint.Host, endpoint.Port ?? 6379);
        }

        return options;
    }

    public static IConnectionMultiplexer Connect(RedisSettings settings) => ConnectionMultiplexer.Connect(Options(settings));
}
