using System.Text.Json;

namespace GitLabBus.Sagas.Scheduling;

/// <summary>
/// A message waiting for its time: the serialized body exactly as MassTransit would have sent it, and every
/// context value and header needed to send it later as if it had never waited (above all the scheduling
/// token id, without which a saga's <c>Schedule</c> event is dropped as stale).
/// </summary>
public sealed record ScheduledMessage
{
    public required Guid TokenId { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required Uri Destination { get; init; }
    public required string ContentType { get; init; }
    public required string Body { get; init; }
    public string[] MessageTypes { get; init; } = [];
    public Guid? MessageId { get; init; }
    public Guid? CorrelationId { get; init; }
    public Guid? ConversationId { get; init; }
    public Guid? InitiatorId { get; init; }
    public Guid? RequestId { get; init; }
    public Uri? SourceAddress { get; init; }
    public Uri? ResponseAddress { get; init; }
    public Uri? FaultAddress { get; init; }
    public DateTime? ExpirationTime { get; init; }
    public Dictionary<string, JsonElement> Headers { get; init; } = [];
}
