using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Gateway.Bus;

/// <summary>An operation started from HTTP: accepted only once its work is safely queued (<see cref="OperationLauncher"/>).</summary>
public sealed class OperationStarter(OperationLauncher launcher, IBus bus, ConfirmWatchdog? watchdog = null)
{
    /// <summary>A command with no operation to follow: null once the broker confirmed it, else the <c>503</c> to answer.</summary>
    public async Task<IResult?> PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await bus.PublishConfirmedAsync(message, watchdog, cancellationToken);
            return null;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return ApiError.BusUnavailable("the message bus did not accept the request; retry later");
        }
    }

    /// <summary>Null once the broker confirmed; otherwise the <c>503 bus_unavailable</c> to answer (the operation is failed).</summary>
    public async Task<IResult?> StartAsync<T>(
        string operationId,
        string kind,
        T message,
        OperationOwner owner,
        CancellationToken cancellationToken
    )
        where T : class =>
        await launcher.LaunchAsync(operationId, kind, message, owner, cancellationToken)
            ? null
            : ApiError.BusUnavailable("the message bus did not accept the request; retry later");

    /// <summary>The <c>202</c> naming the operation to follow, with its status URL in <c>Location</c> too.</summary>
    public static IResult Accepted(HttpContext http, string operationId)
    {
        var statusUrl = $"/operations/{operationId}";
        http.Response.Headers.Location = statusUrl;
        return Results.Json(new OperationAccepted(operationId, statusUrl), statusCode: StatusCodes.Status202Accepted);
    }
}

public sealed record OperationAccepted(string OperationId, string StatusUrl);
