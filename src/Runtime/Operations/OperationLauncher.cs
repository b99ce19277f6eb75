using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Runtime.Operations;

/// <summary>
/// Starts a long-running operation: records it, then publishes the message that does the work, mandatory and confirmed by
/// the broker, straight to the bus (not through a consumer's outbox: the caller is told only once the work is safely
/// queued). A publish the broker does not confirm fails the operation as <c>bus_unavailable</c>.
/// </summary>
public sealed class OperationLauncher(
    IBus bus,
    IOperationProgress progress,
    ILogger<OperationLauncher> logger,
    ConfirmWatchdog? watchdog = null
)
{
    /// <summary>True once the broker confirmed; false when it did not (the operation is then failed).</summary>
    /// <param name="owner">The project (and organisation) the work is for, recorded with the operation (who may read it).</param>
    public async Task<bool> LaunchAsync<T>(
        string operationId,
        string kind,
        T message,
        OperationOwner owner,
        CancellationToken cancellationToken
    )
        where T : class
    {
        await progress.StartedAsync(operationId, kind, cancellationToken, owner);
        try
        {
            await bus.PublishConfirmedAsync(message, watchdog, cancellationToken);
            return true;
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                "The broker did not confirm {Message} for operation {OperationId}: {Reason}",
                typeof(T).Name,
                operationId,
                failure.GetType().Name
            );
            await progress.FailedAsync(operationId, ErrorCodes.BusUnavailable, "the request could not be queued", CancellationToken.None);
            return false;
        }
    }
}
