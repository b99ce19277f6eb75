using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Errors;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Replay;

namespace GitLabBus.Gateway.Sagas;

/// <summary>
/// Saga inspection for people debugging: the saga names, an instance's current state, its journal (every message it
/// consumed, with the state before and after) and a replay of that journal on a fresh instance, which sends nothing.
/// </summary>
public static class SagaEndpoints
{
    public static IEndpointRouteBuilder MapSagaInspection(this IEndpointRouteBuilder endpoints)
    {
        // Replay is a POST because it computes, but it changes nothing anywhere: readers may run it.
        var sagas = endpoints.MapGroup("/sagas").WithTags("sagas").RequireAuthorization(Roles.ReadPolicy);

        sagas.MapGet("/", (SagaInspector inspector) => Results.Ok(new SagaList(inspector.Names)))
            .WithSummary("The names of the platform's sagas")
            .Produces<SagaList>();

        sagas.MapGet("/{saga}/{correlation_id}", GetState)
            .WithSummary("A saga instance's current state (or, once it is gone, its last journalled state)")
            .Produces<SagaStateView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        sagas.MapGet("/{saga}/{correlation_id}/journal", GetJournal)
            .WithSummary("Every message the saga instance consumed, in order, with its state before and after")
            .Produces<SagaJournal>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        sagas.MapPost("/{saga}/{correlation_id}/replay", Replay)
            .WithSummary("Re-runs the journal on a fresh instance without side effects and says whether it ends in the stored state")
            .Produces<SagaReplayResult>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> GetState(SagaInspector inspector, string saga, string correlation_id, CancellationToken cancellationToken)
    {
        if (Target(inspector, saga, correlation_id, out var id) is { } invalid)
        {
            return invalid;
        }

        return await inspector.GetStateAsync(saga, id, cancellationToken) is { } state
            ? Results.Ok(state)
            : NoInstance(saga, id);
    }

    private static async Task<IResult> GetJournal(SagaInspector inspector, string saga, string correlation_id, CancellationToken cancellationToken)
    {
        if (Target(inspector, saga, correlation_id, out var id) is { } invalid)
        {
            return invalid;
        }

        var entries = await inspector.GetJournalAsync(saga, id, cancellationToken);
        return entries.Count == 0 ? NoInstance(saga, id) : Results.Ok(new SagaJournal(saga, id, entries));
    }

    private static async Task<IResult> Replay(SagaInspector inspector, string saga, string correlation_id, CancellationToken cancellationToken)
    {
        if (Target(inspector, saga, correlation_id, out var id) is { } invalid)
        {
            return invalid;
        }

        return await inspector.ReplayAsync(saga, id, cancellationToken) is { } replay
            ? Results.Ok(replay)
            : NoInstance(saga, id);
    }

    /// <summary>The 404 or 400 for a saga name or correlation id that cannot name an instance, else null.</summary>
    private static IResult? Target(SagaInspector inspector, string saga, string correlationId, out Guid id)
    {
        id = Guid.Empty;
        if (!inspector.Knows(saga))
        {
            return ApiError.Result(404, "not_found", $"no saga named '{Truncate(saga)}'", new { sagas = inspector.Names });
        }

        return Guid.TryParse(correlationId, out id) ? null : ApiError.InvalidRequest("correlation_id must be a GUID");
    }

    private static IResult NoInstance(string saga, Guid id) =>
        ApiError.NotFound($"no {saga} saga {id}: never started, or its journal has expired");

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    public sealed record SagaList(IReadOnlyList<string> Sagas);

    public sealed record SagaJournal(string Saga, Guid CorrelationId, IReadOnlyList<SagaJournalEntry> Entries);
}
