using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Operations;

namespace GitLabBus.Gateway.Operations;

/// <summary>
/// <c>GET /operations/{id}</c> (status, every event, result) and <c>GET /operations/{id}/events</c>: server-sent
/// events, history first then live, closed after the final one; <c>Last-Event-ID</c> resumes after that event.
/// </summary>
public static class OperationEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        var operations = endpoints.MapGroup("/operations").WithTags("operations").RequireAuthorization(Roles.ReadPolicy);

        operations
            .MapGet("/{operation_id}", Get)
            .WithSummary("An operation's status, events and result")
            .Produces<OperationView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        operations
            .MapGet("/{operation_id}/events", Events)
            .WithSummary("The operation's events as text/event-stream: history, then live, closed after the final event")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> Get(
        HttpContext http,
        IOperationProgress progress,
        string operation_id,
        CancellationToken cancellationToken
    )
    {
        if (InvalidId(operation_id) is { } invalid)
        {
            return invalid;
        }

        var events = await progress.ReadAsync(operation_id, cancellationToken);
        return Visible(http, events) ? Results.Ok(OperationView.From(operation_id, events)) : NotKept(operation_id);
    }

    /// <summary>
    /// Known, and of a project the caller may work on: a caller limited to some projects reads only their operations (one
    /// of another project, or one no project's, is unknown to it, as in the delivery log, so as not to say it exists); an
    /// organisation's operation is read only by its members.
    /// </summary>
    private static bool Visible(HttpContext http, IReadOnlyList<OperationEvent> events)
    {
        var owner = OperationProgressExtensions.OwnerOf(events);
        return events.Count > 0 && ProjectAccess.SeesOwnedBy(http.User)(owner.ProjectId, owner.OrgId);
    }

    private static IResult NotKept(string operationId) => ApiError.NotFound($"no operation {operationId} (operations are kept 24 hours)");

    private static async Task<IResult> Events(
        HttpContext http,
        IOperationProgress progress,
        string operation_id,
        CancellationToken cancellationToken
    )
    {
        if (InvalidId(operation_id) is { } invalid)
        {
            return invalid;
        }

        // An unknown id would be followed until the client gives up, waiting for events that never come.
        if (!Visible(http, await progress.ReadAsync(operation_id, cancellationToken)))
        {
            return NotKept(operation_id);
        }

        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(
            Stream(progress, operation_id, lastEventId.Length == 0 ? null : lastEventId, cancellationToken)
        );
    }

    private static async IAsyncEnumerable<SseItem<OperationEvent>> Stream(
        IOperationProgress progress,
        string operationId,
        string? lastEventId,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await foreach (var next in progress.FollowAsync(operationId, lastEventId, cancellationToken))
        {
            yield return new SseItem<OperationEvent>(next, next.Type) { EventId = next.Id };
        }
    }

    /// <summary>The 400 for an id that cannot name an operation (it becomes part of Redis keys), else null.</summary>
    private static IResult? InvalidId(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? null
            : ApiError.InvalidRequest("operation_id must be 1 to 128 letters, digits, '-' or '_'");
}
