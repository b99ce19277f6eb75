using System.Diagnostics;
using MassTransit;

namespace GitLabBus.Bench;

/// <summary>
/// A bare MassTransit 8.5 publish+consume loop in one process, with the defaults our endpoints use
/// (quorum queue, publisher confirms, default prefetch): what the bus alone costs on this machine.
/// </summary>
public static class MassTransitBaseline
{
    public record BenchPing(int Sequence, string Padding);

    public static async Task<double> MessagesPerSecondAsync(BenchSettings settings)
    {
        var consumed = 0;
        var allConsumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(
                settings.RabbitHost,
                (ushort)settings.RabbitPort,
                BenchSettings.VirtualHost,
                "bench-masstransit",
                host =>
                {
                    host.Username("guest");
                    host.Password("guest");
                }
            );
            cfg.ReceiveEndpoint(
                "bench-masstransit",
                endpoint =>
                {
                    endpoint.SetQuorumQueue();
                    endpoint.Handler<BenchPing>(_ =>
                    {
                        if (Interlocked.Increment(ref consumed) == settings.Messages)
                        {
                            allConsumed.TrySetResult();
                        }

                        return Task.CompletedTask;
                    });
                }
            );
        });
        await bus.StartAsync();
        try
        {
            var padding = new string('x', 1024);
            using var window = new SemaphoreSlim(settings.InFlight);
            var stopwatch = Stopwatch.StartNew();
            var publishes = new List<Task>(settings.Messages);
            for (var i = 0; i < settings.Messages; i++)
            {
                await window.WaitAsync();
                publishes.Add(PublishAsync(i));
            }

            await Task.WhenAll(publishes);
            await allConsumed.Task.WaitAsync(TimeSpan.FromMinutes(5));
            stopwatch.Stop();
            return settings.Messages / stopwatch.Elapsed.TotalSeconds;

            async Task PublishAsync(int sequence)
            {
                try
                {
                    await bus.Publish(new BenchPing(sequence, padding));
                }
                finally
                {
                    window.Release();
                }
            }
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
