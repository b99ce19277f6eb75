using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Scheduling;

/// <summary>
/// Sends stored messages when they are due. Every replica runs one; the store's atomic claim decides which
/// replica sends which message. A message is forgotten only after the broker confirmed it; if this replica
/// dies in between, the claim's lease runs out and another replica sends it.
/// </summary>
public sealed class ScheduledMessageDispatcher(
    IScheduledMessageStore store,
    IBus bus,
    SchedulerSettings settings,
    TimeProvider clock,
    ILogger<ScheduledMessageDispatcher> logger
) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.ClaimDueAsync(clock.GetUtcNow(), BatchSize, settings.Lease, stoppingToken);
                await Task.WhenAll(due.Select(message => SendAsync(message, stoppingToken)));
                if (due.Count == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(failure, "Could not read due scheduled messages; retrying in {Interval}", settings.PollInterval);
            }

            try
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAsync(ScheduledMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = await bus.GetSendEndpoint(message.Destination);
            await endpoint.Send(new SerializedMessageBody(), new ForwardPipe(message), cancellationToken);
            await store.CompleteAsync(message.TokenId, CancellationToken.None);
            logger.LogInformation(
                "Sent scheduled {MessageType} {TokenId} to {Destination}, due {DueAt:O}",
                message.MessageTypes.FirstOrDefault(),
                message.TokenId,
                message.Destination,
                message.DueAt
            );
        }
        catch (Exception failure)
        {
            logger.LogWarning(
                failure,
                "Scheduled message {TokenId} could not be sent to {Destination}; it is retried when its claim expires in {Lease}",
                message.TokenId,
                message.Destination,
                settings.Lease
            );
        }
    }

    /// <summary>Sends the stored body as it was serialized, with the original ids and headers.</summary>
    private sealed class ForwardPipe(ScheduledMessage message) : IPipe<SendContext>
    {
        public Task Send(SendContext context)
        {
            var headers = ScheduledHeaders.Restore(message);
            var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(message.ContentType));
            var serializerContext = deserializer.Deserialize(deserializer.GetMessageBody(message.Body), headers, message.Destination);

            if (message.MessageId.HasValue)
            {
                context.MessageId = message.MessageId;
            }

            context.RequestId = message.RequestId;
            context.ConversationId = message.ConversationId;
            context.CorrelationId = message.CorrelationId;
            context.InitiatorId = message.InitiatorId;
            context.SourceAddress = message.SourceAddress;
            context.ResponseAddress = message.ResponseAddress;
            context.FaultAddress = message.FaultAddress;
            if (message.ExpirationTime.HasValue)
            {
                context.TimeToLive = message.ExpirationTime.Value.ToUniversalTime() - DateTime.UtcNow;
            }

            foreach (var header in headers.GetAll())
            {
                context.Headers.Set(header.Key, header.Value);
            }

            context.Serializer = serializerContext.GetMessageSerializer();
            return Task.CompletedTask;
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("scheduledMessage");
    }
}
