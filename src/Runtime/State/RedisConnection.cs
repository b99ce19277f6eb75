using GitLabBus.Runtime.Settings;
using StackExchange.Redis;

namespace GitLabBus.Runtime.State;

/// <summary>Builds the one multiplexer a process shares.</summary>
public static class RedisConnection
{
    public static ConfigurationOptions Options(RedisSettings settings)
    {
        var url = settings.Url ?? throw new InvalidOperationException("Redis is not configured.");
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            DefaultDatabase = settings.Database,
            Ssl = url.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
            ClientName = "gitlabbus",
            // The .NET thread pool instead of the library's dedicated spinning threads: on a 2-core host those threads
            // took CPU from request handling.
            SocketManager = SocketManager.ThreadPool,
            ConnectTimeout = 5_000,
            AsyncTimeout = 5_000,
        };
        options.EndPoints.Add(url.Host, url.IsDefaultPort || url.Port <= 0 ? 6379 : url.Port);

        var userInfo = url.UserInfo.Split(':', 2);
        if (userInfo.Length == 2)
        {
            options.User = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null;
            options.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        else if (settings.Password is not null)
        {
            options.Password = settings.Password;
        }

        return options;
    }

    public static IConnectionMultiplexer Connect(RedisSettings settings) => ConnectionMultiplexer.Connect(Options(settings));
}
