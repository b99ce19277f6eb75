using System.Text.Json;
using System.Text.Json.Serialization;

namespace GitLabBus.Sagas.Journal;

/// <summary>
/// One message a saga instance consumed, as it was committed: what came in (type, id, body, headers) and the
/// instance before and after. Enough to re-run the saga from its journal alone.
/// </summary>
/// <param name="MessageType">The message's URN, e.g. <c>urn:message:GitLabBus.Contracts:PipelineStatusChanged</c>.</param>
/// <param name="InstanceBefore">Null when the message created the instance.</param>
/// <param name="Finished">The message finished the saga (its instance was removed from the repository).</param>
public sealed record SagaJournalEntry(
    DateTimeOffset ConsumedAt,
    string MessageType,
    Guid? MessageId,
    string StateBefore,
    string StateAfter,
    bool Finished,
    JsonElement? InstanceBefore,
    JsonElement InstanceAfter,
    JsonElement Message,
    IReadOnlyDictionary<string, string> Headers
)
{
    /// <summary>Position in the journal, from 1; given when the journal is read.</summary>
    public int Sequence { get; init; }

    /// <summary>The message type without its URN prefix, for people.</summary>
    [JsonIgnore]
    public string MessageName => MessageType[(MessageType.LastIndexOf(':') + 1)..];
}
