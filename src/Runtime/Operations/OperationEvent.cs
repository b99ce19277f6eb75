using System.Text.Json;

namespace GitLabBus.Runtime.Operations;

/// <summary>
/// One step of a long-running operation, in order. <see cref="Id"/> is the stream entry id (it orders events and
/// lets an SSE client resume with <c>Last-Event-ID</c>); <see cref="Final"/> marks <c>completed</c>, <c>failed</c> or <c>error</c>.
/// </summary>
public sealed record OperationEvent(string Id, string Type, DateTimeOffset At, JsonElement? Data, bool Final);

/// <summary>What <c>GET /operations/{id}</c> answers: every event so far and the status they add up to.</summary>
public sealed record OperationView(
    string OperationId,
    string Kind,
    string Status,
    IReadOnlyList<OperationEvent> Events,
    JsonElement? Result
)
{
    public static OperationView From(string operationId, IReadOnlyList<OperationEvent> events)
    {
        var started = events.FirstOrDefault(e => e.Type == OperationEventTypes.Started);
        var kind =
            started?.Data is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
        var final = events.LastOrDefault(e => e.Final);
        var status = final?.Type switch
        {
            OperationEventTypes.Completed => "completed",
            OperationEventTypes.Failed or OperationEventTypes.Error => "failed",
            _ => events.Count == 0 ? "pending" : "running",
        };
        return new OperationView(operationId, kind, status, events, final?.Type == OperationEventTypes.Completed ? final.Data : null);
    }
}

public static class OperationEventTypes
{
    public const string Started = "started";
    public const string Progress = "progress";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>The seed's name for a failure, which the embedding runs keep on their stream: final, and status <c>failed</c>.</summary>
    public const string Error = "error";

    /// <summary>Whether an event of this type ends its operation.</summary>
    public static bool IsFinal(string type) => type is Completed or Failed or Error;
}
