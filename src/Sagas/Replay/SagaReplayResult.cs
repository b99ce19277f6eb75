using System.Text.Json;

namespace GitLabBus.Sagas.Replay;

/// <summary>What re-running a journal on a fresh instance gave, step by step, and whether it ends where the stored saga is.</summary>
/// <param name="StoredState">The instance as stored now (or, once it is gone, as its journal last recorded it).</param>
/// <param name="Differences">Where the replayed end state and the stored one differ, one line per field.</param>
public sealed record SagaReplayResult(
    string Saga,
    Guid CorrelationId,
    IReadOnlyList<ReplayedTransition> Transitions,
    bool EndStateMatches,
    JsonElement? EndState,
    JsonElement? StoredState,
    IReadOnlyList<string> Differences
);

/// <summary>One journal entry re-run: the states it went through, what it would have sent, and whether it matches the record.</summary>
/// <param name="Matches">The replayed instance after this message equals the recorded one.</param>
/// <param name="Fault">Why the message was not applied, when it was not (for example an event the state no longer accepts).</param>
public sealed record ReplayedTransition(
    int Sequence,
    DateTimeOffset ConsumedAt,
    string MessageType,
    Guid? MessageId,
    string StateBefore,
    string? StateAfter,
    string RecordedStateAfter,
    bool Matches,
    IReadOnlyList<CapturedMessage> Outgoing,
    string? Fault
);

/// <summary>A message the saga would have sent, published, scheduled or cancelled; captured, never sent.</summary>
/// <param name="Kind"><c>publish</c>, <c>send</c>, <c>schedule</c> or <c>cancel</c>.</param>
public sealed record CapturedMessage(string Kind, string MessageType, string? Destination, DateTimeOffset? ScheduledFor);
