using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace GitLabBus.Bench;

/// <summary>Where the benchmark's RabbitMQ and Redis are, and its own vhost, recreated empty for each run.</summary>
public sealed record BenchSettings(
    string RabbitHost,
    int RabbitPort,
    string ManagementUrl,
    string RedisEndpoint,
    int Messages,
    int InFlight,
    int OfferedRate,
    TimeSpan LatencyDuration,
    int HttpConcurrency,
    string Scenario,
    int Pipelines,
    int BacklogItems,
    int EmbeddingItems,
    int MergeRequests,
    double ClockSpeed,
    IReadOnlyList<int> BrokenPercents
)
{
    public const string VirtualHost = "gitlabbus-bench";

    public string RabbitMqUrl => $"amqp://guest:guest@{RabbitHost}:{RabbitPort}/{VirtualHost}";

    /// <summary>The value after <c>--name</c> in <paramref name="args"/>, else <paramref name="fallback"/>.</summary>
    public static string Arg(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, "--" + name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    public static BenchSettings FromArgs(string[] args)
    {
        string Arg(string name, string fallback) => BenchSettings.Arg(args, name, fallback);

        return new BenchSettings(
            Arg("rabbit-host", "127.0.0.1"),
            int.Parse(Arg("rabbit-port", "5672")),
            Arg("management", "http://127.0.0.1:15672"),
            Arg("redis", "127.0.0.1:6379"),
            int.Parse(Arg("messages", "20000")),
            int.Parse(Arg("in-flight", "256")),
            int.Parse(Arg("rate", "500")),
            TimeSpan.FromSeconds(int.Parse(Arg("latency-seconds", "20"))),
            int.Parse(Arg("http-concurrency", "64")),
            Arg("scenario", "ingest"),
            int.Parse(Arg("pipelines", "1000")),
            int.Parse(Arg("backlog-items", "500")),
            int.Parse(Arg("embedding-items", "100000")),
            int.Parse(Arg("merge-requests", "100")),
            double.Parse(Arg("clock-speed", "120"), System.Globalization.CultureInfo.InvariantCulture),
            [
                .. Arg("broken", "0,10,30")
                    .Split(',')
                    .Select(percent => int.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)),
            ]
        );
    }

    /// <summary>Drops and recreates the benchmark vhost so every phase starts from empty queues.</summary>
    public Task ResetVirtualHostAsync() => ResetVirtualHostAsync(ManagementUrl, VirtualHost);

    /// <summary>Drops and recreates <paramref name="virtualHost"/> on the broker whose management API is at
    /// <paramref name="managementUrl"/>, with every permission for guest.</summary>
    public static async Task ResetVirtualHostAsync(string managementUrl, string virtualHost)
    {
        using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest"))
        );
        await management.DeleteAsync($"/api/vhosts/{virtualHost}");
        (await management.PutAsJsonAsync($"/api/vhosts/{virtualHost}", new { })).EnsureSuccessStatusCode();
        (
            await management.PutAsJsonAsync(
                $"/api/permissions/{virtualHost}/guest",
                new
                {
                    configure = ".*",
                    write = ".*",
                    read = ".*",
                }
            )
        ).EnsureSuccessStatusCode();
    }

    /// <summary>Messages a queue's consumers acknowledged since it was declared (the management API, whose statistics lag a few
    /// seconds).</summary>
    public async Task<long> AcknowledgedAsync(string queue)
    {
        using var management = new HttpClient { BaseAddress = new Uri(ManagementUrl) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest"))
        );
        long previous = -1;
        while (true)
        {
            // Statistics are collected every 5 s: read until two reads 6 s apart agree.
            var stats = await management.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/queues/{VirtualHost}/{queue}");
            var acknowledged =
                stats.TryGetProperty("message_stats", out var messages) && messages.TryGetProperty("ack", out var ack) ? ack.GetInt64() : 0;
            if (acknowledged == previous)
            {
                return acknowledged;
            }

            previous = acknowledged;
            await Task.Delay(TimeSpan.FromSeconds(6));
        }
    }

    /// <summary>Ready messages in a queue, read live over AMQP (the management API's counts lag by seconds).</summary>
    public async Task<uint> QueueDepthAsync(string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = RabbitHost,
            Port = RabbitPort,
            VirtualHost = VirtualHost,
            UserName = "guest",
            Password = "guest",
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
