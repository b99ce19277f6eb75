namespace GitLabBus.Runtime.Settings;

/// <summary>Where messages travel: RabbitMQ when <c>RABBITMQ_URL</c> is set, MassTransit's in-memory transport otherwise.</summary>
public sealed record BusSettings
{
    public RabbitMqAddress? RabbitMq { get; init; }

    public bool QuorumQueues { get; init; } = true;

    /// <summary><c>GITLABBUS_ALL_IN_ONE</c>: the gateway also runs the consumers and sagas roles on RabbitMQ.</summary>
    public bool AllInOne { get; init; }

    /// <summary><c>REDELIVERY_INTERVALS_SECONDS</c>: when a message that failed its immediate retries is tried again
    /// (default 60, 300, 900), before it goes to its <c>_error</c> queue; empty turns redelivery off.</summary>
    public IReadOnlyList<TimeSpan> RedeliveryIntervals { get; init; } = DefaultRedelivery;

    /// <summary><c>BUS_CONFIRM_WATCHDOG_SECONDS</c> (default 10, 0 turns it off): how long the broker may confirm no publish that
    /// waits for it, while the bus reports itself connected, before the process restarts its bus (see <c>ConfirmWatchdog</c>).</summary>
    public TimeSpan ConfirmWatchdogAfter { get; init; } = TimeSpan.FromSeconds(10);

    public bool InMemory => RabbitMq is null;

    private static readonly TimeSpan[] DefaultRedelivery = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    public string Describe() => RabbitMq is null ? "in-memory transport" : $"RabbitMQ {RabbitMq}";

    public static BusSettings Read(SettingsReader reader) =>
        new()
        {
            RabbitMq = ServerUrl.Read(reader, "RABBITMQ_URL", "amqp", "amqps") is { } url ? RabbitMqAddress.Parse(url) : null,
            QuorumQueues = reader.Bool("RABBITMQ_QUORUM_QUEUES", true),
            AllInOne = reader.Bool("GITLABBUS_ALL_IN_ONE", false),
            RedeliveryIntervals = ReadIntervals(reader.Optional("REDELIVERY_INTERVALS_SECONDS")),
            ConfirmWatchdogAfter = TimeSpan.FromSeconds(reader.Double("BUS_CONFIRM_WATCHDOG_SECONDS", 10, 0, 600)),
        };

    private static TimeSpan[] ReadIntervals(string? raw)
    {
        if (raw is null)
        {
            return DefaultRedelivery;
        }

        if (raw.Trim().Length == 0 || raw.Trim() == "none")
        {
            return [];
        }

        var parts = raw.Split(',', StringSplitOptions.TrimEntries);
        return parts.All(p => int.TryParse(p, out var seconds) && seconds is > 0 and <= 86_400) && parts.Length <= 10
            ? parts.Select(p => TimeSpan.FromSeconds(int.Parse(p))).ToArray()
            : throw new InvalidSettingException(
                "REDELIVERY_INTERVALS_SECONDS",
                "must be up to 10 comma-separated whole seconds from 1 to 86400, or none"
            );
    }
}

/// <summary>
/// A parsed <c>amqp://user:pass@host:port/vhost</c>, or a cluster's <c>amqp://user:pass@host1:port1,host2:port2/vhost</c>;
/// <see cref="ToString"/> leaves the credentials out.
/// </summary>
/// <param name="Nodes">Every node named, each with its port; the first is the one a single-node setup uses.</param>
public sealed record RabbitMqAddress(IReadOnlyList<ServerEndpoint> Nodes, string VirtualHost, string Username, string Password, bool UseTls)
{
    public string Host => Nodes[0].Host;

    public int Port => Nodes[0].Port!.Value;

    public bool IsCluster => Nodes.Count > 1;

    public static RabbitMqAddress Parse(ServerUrl url)
    {
        var tls = url.Scheme == "amqps";
        var nodes = url.Servers.Select(node => node with { Port = node.Port ?? (tls ? 5671 : 5672) }).ToList();
        var virtualHost = url.Path.Length == 0 ? "/" : Uri.UnescapeDataString(url.Path);
        var (username, password) = url.Credentials();
        return new RabbitMqAddress(nodes, virtualHost, username ?? "guest", username is null ? "guest" : password ?? "", tls);
    }

    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{string.Join(',', Nodes)}/{Uri.EscapeDataString(VirtualHost)}";
}
