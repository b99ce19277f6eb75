using MassTransit;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// A confirmed publish to an exchange with no queue bound is silently dropped by RabbitMQ. Marking a
/// publish mandatory makes the broker return it instead, and MassTransit then fails the publish, so the
/// caller can refuse the input rather than acknowledge something that went nowhere.
/// </summary>
public static class MandatoryRouting
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes <paramref name="message"/> mandatory and waits for the broker's confirmation, at most <paramref name="within"/>
    /// (five seconds unless given): what a caller answering a person does before saying "accepted". Throws when it was not
    /// confirmed. The <paramref name="watchdog"/>, when given, learns of each publish and of each answer the broker gave.
    /// </summary>
    public static async Task PublishConfirmedAsync<T>(
        this IPublishEndpoint bus,
        T message,
        ConfirmWatchdog? watchdog,
        CancellationToken cancellationToken,
        TimeSpan? within = null
    )
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within ?? ConfirmTimeout);
        watchdog?.Publishing();
        try
        {
            await bus.Publish(message, context => context.RequireRoute(), timeout.Token);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            watchdog?.Answered();
            throw;
        }

        watchdog?.Answered();
    }

    public static void RequireRoute(this SendContext context)
    {
        if (context.TryGetPayload(out RabbitMqSendContext? rabbit))
        {
            rabbit.Mandatory = true;
        }
    }
}
