using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Gateway.Bus;

/// <summary>
/// Starts a long-running operation: records it, then publishes the message that does the work, mandatory and
/// confirmed by the broker. A request is accepted only once its work is safely queued.
/// </summary>
public sealed class OperationStarter(IPublishEndpoint bus, IOperationProgress progress, ILogger<OperationStarter> logger)
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Null once the broker confirmed; otherwise the <c>503 bus_unavailable</c> to answer (the operation is failed).</summary>
    public async Task<IResult?> StartAsync<T>(string operationId, string kind, T message, CancellationToken cancellationToken)
        where T : class
    {
        await progress.StartedAsync(operationId, kind, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        try
        {
            await bus.Publish(message, context => context.RequireRoute(), timeout.Token);
            return null;
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The broker did not confirm {Message} for operation {OperationId}: {Reason}", typeof(T).Name, operationId, failure.GetType().Name);
            await progress.FailedAsync(operationId, "bus_unavailable", "the request could not be queued", CancellationToken.None);
            return ApiError.BusUnavailable("the message bus did not accept the request; retry later");
        }
    }

    /// <summary>The <c>202</c> naming the operation to follow, with its status URL in <c>Location</c> too.</summary>
    public static IResult Accepted(HttpContext http, string operationId)
    {
        var statusUrl = $"/operations/{operationId}";
        http.Response.Headers.Location = statusUrl;
        return Results.Json(new OperationAccepted(operationId, statusUrl), statusCode: StatusCodes.Status202Accepted);
    }
}

public sealed record OperationAccepted(string OperationId, string StatusUrl);
