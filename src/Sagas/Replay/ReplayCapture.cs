using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;

namespace GitLabBus.Sagas.Replay;

/// <summary>
/// The replay bus's outside world: every publish, send, schedule and cancel is written down here and goes
/// nowhere. Only the journal's own messages, sent inside <see cref="DeliverAsync"/>, reach the saga.
/// </summary>
internal sealed class ReplayCapture
{
    private readonly AsyncLocal<bool> _delivering = new();
    private readonly ConcurrentQueue<CapturedMessage> _captured = new();

    /// <summary>True in the flow that delivers a journal message; the saga consumes it on another flow.</summary>
    public bool Delivering => _delivering.Value;

    public async Task DeliverAsync(Func<Task> send)
    {
        _delivering.Value = true;
        try
        {
            await send();
        }
        finally
        {
            _delivering.Value = false;
        }
    }

    private readonly ConcurrentDictionary<Guid, bool> _issuedTokens = new();

    /// <summary>What the current message led to; empties the list for the next one.</summary>
    public IReadOnlyList<CapturedMessage> TakeCaptured()
    {
        var taken = new List<CapturedMessage>();
        while (_captured.TryDequeue(out var message))
        {
            taken.Add(message);
        }

        return taken;
    }

    /// <summary>Scheduling tokens this replay made up; they stand for the recorded ones at the same place in the instance.</summary>
    public bool Issued(Guid token) => _issuedTokens.ContainsKey(token);

    public void Capture(string kind, Type? messageType, Uri? destination, DateTimeOffset? scheduledFor = null) =>
        _captured.Enqueue(new CapturedMessage(kind, messageType?.Name ?? "unknown", destination?.ToString(), scheduledFor));

    public Guid IssueToken()
    {
        var token = NewId.NextGuid();
        _issuedTokens[token] = true;
        return token;
    }
}

internal sealed class CapturingSendFilter(ReplayCapture capture) : IFilter<SendContext>
{
    public Task Send(SendContext context, IPipe<SendContext> next)
    {
        if (capture.Delivering)
        {
            return next.Send(context);
        }

        capture.Capture("send", MessageTypeOf(context), context.DestinationAddress);
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("replayCapture");

    internal static Type? MessageTypeOf(SendContext context) =>
        context
            .GetType()
            .GetInterfaces()
            .FirstOrDefault(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SendContext<>))
            ?.GetGenericArguments()[0];
}

internal sealed class CapturingPublishFilter(ReplayCapture capture) : IFilter<PublishContext>
{
    public Task Send(PublishContext context, IPipe<PublishContext> next)
    {
        capture.Capture("publish", CapturingSendFilter.MessageTypeOf(context), null);
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("replayCapture");
}

/// <summary>Gives the saga a scheduler that writes schedules and cancellations down instead of sending them.</summary>
internal sealed class CapturingSchedulerFilter(ReplayCapture capture, Func<IBusTopology> topology) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        context.AddOrUpdatePayload<MessageSchedulerContext>(
            () =>
                new ConsumeMessageSchedulerContext(context, _ => new MessageScheduler(new CapturingScheduleProvider(capture), topology())),
            existing => existing
        );
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("replayScheduler");
}

internal sealed class CapturingScheduleProvider(ReplayCapture capture) : IScheduleMessageProvider
{
    public Task<ScheduledMessage<T>> ScheduleSend<T>(
        Uri destinationAddress,
        DateTime scheduledTime,
        T message,
        IPipe<SendContext<T>> pipe,
        CancellationToken cancellationToken
    )
        where T : class
    {
        capture.Capture(
            "schedule",
            typeof(T),
            destinationAddress,
            new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc))
        );
        return Task.FromResult<ScheduledMessage<T>>(
            new ScheduledMessageHandle<T>(capture.IssueToken(), scheduledTime, destinationAddress, message)
        );
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
    {
        capture.Capture("cancel", null, null);
        return Task.CompletedTask;
    }

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken)
    {
        capture.Capture("cancel", null, destinationAddress);
        return Task.CompletedTask;
    }
}
