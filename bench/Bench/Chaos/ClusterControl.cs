using System.Diagnostics;
using StackExchange.Redis;

namespace GitLabBus.Bench.Chaos;

/// <summary>Kills and starts nodes of the loopback clusters through <c>scripts/clusters.sh</c>, the commands an operator has.</summary>
public sealed class ClusterControl(string repository)
{
    public Task KillRabbitMqNodeAsync(int node) =>
        RunAsync("kill-rabbitmq", node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task StartRabbitMqNodeAsync(int node) =>
        RunAsync("start-rabbitmq", node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task StopRabbitMqNodeAsync(int node) =>
        RunAsync("stop-rabbitmq", node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task KillRedisNodeAsync(int port) => RunAsync("kill-redis", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts the node on <paramref name="port"/> again and waits until it has rejoined (as a replica) and synced.</summary>
    public Task StartRedisNodeAsync(int port) => RunAsync("start-redis", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The port of the master that holds <paramref name="key"/>'s slot now.</summary>
    public static async Task<int> RedisMasterOfAsync(string seeds, string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(seeds);
        var endpoint = await redis.GetDatabase().IdentifyEndpointAsync(key);
        return ((System.Net.IPEndPoint)endpoint!).Port;
    }

    private async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(repository, "scripts", "clusters.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"clusters.sh {string.Join(' ', arguments)} failed: {await output}{await errors}");
        }
    }
}
