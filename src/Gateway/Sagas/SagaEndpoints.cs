using System.Text.Json.Nodes;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;

namespace GitLabBus.Gateway.Sagas;

/// <summary>
/// Saga inspection for people debugging: the saga names, an instance's current state, its journal (every message it
/// consumed, with the state before and after) and a replay of that journal on a fresh instance, which sends nothing.
/// The sagas role answers each over the bus (<see cref="SagaStateQuery"/> and its siblings): only it knows the sagas.
/// </summary>
public static class SagaEndpoints
{
    public static IEndpointRouteBuilder MapSagaInspection(this IEndpointRouteBuilder endpoints)
    {
        // Replay is a POST because it computes, but it changes nothing anywhere: readers may run it.
        var sagas = endpoints.MapGroup("/sagas").WithTags("sagas").RequireAuthorization(Roles.ReadPolicy);

        sagas.MapGet("/", ListSagas).WithSummary("The names of the platform's sagas").Produces<SagaList>();

        sagas
            .MapGet("/{saga}/{correlation_id}", GetState)
            .WithSummary("A saga instance's current state (or, once it is gone, its last journalled state)")
            .Produces<JsonObject>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        sagas
            .MapGet("/{saga}/{correlation_id}/journal", GetJournal)
            .WithSummary("Every message the saga instance consumed, in order, with its state before and after")
            .Produces<JsonObject>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        sagas
            .MapPost("/{saga}/{correlation_id}/replay", Replay)
            .WithSummary("Re-runs the journal on a fresh instance without side effects and says whether it ends in the stored state")
            .Produces<JsonObject>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> ListSagas(BusRequests sagas, CancellationToken cancellationToken)
    {
        var (names, error) = await sagas.AskAsync<SagaNamesQuery, SagaNames>(new SagaNamesQuery(), cancellationToken);
        return error ?? Results.Ok(new SagaList(names!.Names));
    }

    private static Task<IResult> GetState(BusRequests sagas, string saga, string correlation_id, CancellationToken cancellationToken) =>
        InspectAsync(sagas, correlation_id, id => new SagaStateQuery(saga, id), cancellationToken);

    private static Task<IResult> GetJournal(BusRequests sagas, string saga, string correlation_id, CancellationToken cancellationToken) =>
        InspectAsync(sagas, correlation_id, id => new SagaJournalQuery(saga, id), cancellationToken);

    private static Task<IResult> Replay(BusRequests sagas, string saga, string correlation_id, CancellationToken cancellationToken) =>
        InspectAsync(sagas, correlation_id, id => new SagaReplayRequested(saga, id), cancellationToken);

    private static async Task<IResult> InspectAsync<TQuery>(
        BusRequests sagas,
        string correlationId,
        Func<Guid, TQuery> query,
        CancellationToken cancellationToken
    )
        where TQuery : class
    {
        if (IdOf(correlationId) is not { } id)
        {
            return ApiError.InvalidRequest(
                "correlation_id must be a GUID or the name a saga's id is made from (project:1:target:main, project:1:pipeline:7)"
            );
        }

        var (inspected, error) = await sagas.AskAsync<TQuery, SagaInspected>(query(id), cancellationToken);
        return error ?? Results.Json(inspected!.Body);
    }

    /// <summary>
    /// The saga's id: a GUID as the journal and the logs show it, or the name it is derived from, which an operator knows
    /// without looking anything up (<see cref="PipelineCorrelation.NameBased"/>).
    /// </summary>
    private static Guid? IdOf(string correlationId)
    {
        if (Guid.TryParse(correlationId, out var id))
        {
            return id;
        }

        var name = Uri.UnescapeDataString(correlationId);
        return name.Length <= 300 && name.StartsWith("project:", StringComparison.Ordinal) && !name.Any(char.IsControl)
            ? PipelineCorrelation.NameBased(name)
            : null;
    }

    public sealed record SagaList(IReadOnlyList<string> Sagas);
}
