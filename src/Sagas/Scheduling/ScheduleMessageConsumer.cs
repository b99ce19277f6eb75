using System.Text.Json;
using GitLabBus.Runtime.Bus;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Scheduling;

/// <summary>
/// The <c>scheduler</c> endpoint: what MassTransit's <c>UseMessageScheduler</c> sends to. Each scheduled message
/// is stored with its serialized body and every header until <see cref="ScheduledMessageDispatcher"/> sends it.
/// </summary>
public sealed class ScheduleMessageConsumer(IScheduledMessageStore store, ILogger<ScheduleMessageConsumer> logger)
    : IConsumer<ScheduleMessage>,
        IConsumer<CancelScheduledMessage>
{
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var request = context.Message;
        var body = context
            .SerializerContext.GetMessageSerializer(request.Payload, request.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(request));

        var message = new ScheduledMessage
        {
            TokenId = request.CorrelationId,
            DueAt = new DateTimeOffset(DateTime.SpecifyKind(request.ScheduledTime, DateTimeKind.Utc)),
            Destination = request.Destination,
            ContentType = context.ReceiveContext.ContentType?.ToString() ?? "application/vnd.masstransit+json",
            Body = body.GetString(),
            MessageTypes = request.PayloadType,
            MessageId = context.MessageId,
            CorrelationId = context.CorrelationId,
            ConversationId = context.ConversationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            ExpirationTime = context.ExpirationTime,
            Headers = context
                .Headers.GetAll()
                .ToDictionary(h => h.Key, h => JsonSerializer.SerializeToElement(h.Value, SystemTextJsonMessageSerializer.Options)),
        };

        await store.ScheduleAsync(message, context.CancellationToken);
        logger.LogInformation(
            "Scheduled {MessageType} {TokenId} for {DueAt:O} to {Destination}",
            request.PayloadType.FirstOrDefault(),
            request.CorrelationId,
            message.DueAt,
            request.Destination
        );
    }

    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var cancelled = await store.CancelAsync(context.Message.TokenId, context.CancellationToken);
        logger.LogInformation(
            "Scheduled message {TokenId} {Outcome}",
            context.Message.TokenId,
            cancelled ? "cancelled" : "was not waiting (already sent or never scheduled)"
        );
    }
}

public sealed class ScheduleMessageConsumerDefinition : ConsumerDefinition<ScheduleMessageConsumer>
{
    public ScheduleMessageConsumerDefinition() => EndpointName = BusRegistration.SchedulerQueue;
}
