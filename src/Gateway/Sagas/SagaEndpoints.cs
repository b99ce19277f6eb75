using System.Text.Json;
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

    private static Task<IResult> GetState(
        HttpContext http,
        BusRequests sagas,
        string saga,
        string correlation_id,
        CancellationToken cancellationToken
    ) => InspectAsync(http, sagas, saga, correlation_id, id => new SagaStateQuery(saga, id), cancellationToken);

    private static Task<IResult> GetJournal(
        HttpContext http,
        BusRequests sagas,
        string saga,
        string correlation_id,
        CancellationToken cancellationToken
    ) => InspectAsync(http, sagas, saga, correlation_id, id => new SagaJournalQuery(saga, id), cancellationToken);

    private static Task<IResult> Replay(
        HttpContext http,
        BusRequests sagas,
        string saga,
        string correlation_id,
        CancellationToken cancellationToken
    ) => InspectAsync(http, sagas, saga, correlation_id, id => new SagaReplayRequested(saga, id), cancellationToken);

    /// <remarks>
    /// A caller limited to some projects sees only their sagas' instances: one of another project, or of none, answers as an
    /// unknown instance does, so as not to say it exists (as the delivery log and the operations do).
    /// </remarks>
    private static async Task<IResult> InspectAsync<TQuery>(
        HttpContext http,
        BusRequests sagas,
        string saga,
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
        if (error is not null)
        {
            return error;
        }

        var body = inspected!.Body;
        var org = First(body, "orgId") is { ValueKind: JsonValueKind.String } named ? named.GetString() : null;
        return ProjectAccess.SeesOwnedBy(http.User)(First(body, "projectId") is { } project ? Number(project) : null, org)
            ? Results.Json(body)
            : ApiError.NotFound($"no {ApiError.Cut(saga)} saga {id}: never started, or its journal has expired");
    }

    /// <summary>The value of the first property called <paramref name="name"/> (however it is cased or spelled with underscores) in
    /// the answer, the instance's own or a journalled state's: whom the inspected instance works for; null when none names it.</summary>
    private static JsonElement? First(JsonElement body, string name)
    {
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in body.EnumerateObject())
                {
                    if (
                        string.Equals(property.Name.Replace("_", "", StringComparison.Ordinal), name, StringComparison.OrdinalIgnoreCase)
                        && property.Value.ValueKind is not JsonValueKind.Null
                    )
                    {
                        return property.Value;
                    }
                }

                return body.EnumerateObject().Select(property => First(property.Value, name)).FirstOrDefault(found => found is not null);
            case JsonValueKind.Array:
                return body.EnumerateArray().Select(item => First(item, name)).FirstOrDefault(found => found is not null);
            default:
                return null;
        }
    }

    private static long? Number(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var id) => id,
            JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var id) => id,
            _ => null,
        };

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
