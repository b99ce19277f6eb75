using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace GitLabBus.Bench;

/// <summary>
/// The raw limit of this machine: RabbitMQ.Client publishing 1 KiB persistent messages with publisher
/// confirms to one quorum queue (a window of publishes in flight) while a consumer acks each by hand.
/// </summary>
public static class RawRabbitMqBaseline
{
    public static async Task<double> MessagesPerSecondAsync(BenchSettings settings)
    {
        var factory = new ConnectionFactory
        {
            HostName = settings.RabbitHost,
            Port = settings.RabbitPort,
            VirtualHost = BenchSettings.VirtualHost,
            UserName = "guest",
            Password = "guest",
        };
        await using var publisherConnection = await factory.CreateConnectionAsync("bench-raw-publisher");
        await using var consumerConnection = await factory.CreateConnectionAsync("bench-raw-consumer");
        await using var publisher = await publisherConnection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await using var consumerChannel = await consumerConnection.CreateChannelAsync();

        const string queue = "bench-raw";
        await publisher.QueueDeclareAsync(
            queue,
            durable: true,
            exclusive: false,
            autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }
        );
        await consumerChannel.BasicQosAsync(0, (ushort)settings.InFlight, false);

        var consumed = 0;
        var allConsumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
            if (Interlocked.Increment(ref consumed) == settings.Messages)
            {
                allConsumed.TrySetResult();
            }
        };
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var body = new byte[1024];
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/octet-stream" };
        using var window = new SemaphoreSlim(settings.InFlight);
        var stopwatch = Stopwatch.StartNew();
        var publishes = new List<Task>(settings.Messages);
        for (var i = 0; i < settings.Messages; i++)
        {
            await window.WaitAsync();
            publishes.Add(PublishAsync());
        }

        await Task.WhenAll(publishes);
        await allConsumed.Task.WaitAsync(TimeSpan.FromMinutes(5));
        stopwatch.Stop();
        await publisher.QueueDeleteAsync(queue);
        return settings.Messages / stopwatch.Elapsed.TotalSeconds;

        async Task PublishAsync()
        {
            try
            {
                await publisher.BasicPublishAsync("", queue, mandatory: false, properties, body);
            }
            finally
            {
                window.Release();
            }
        }
    }
}
