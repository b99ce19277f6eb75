using System.Text.Json;

namespace GitLabBus.Sagas.Inspection;

/// <summary>A saga instance as it stands.</summary>
/// <param name="Source"><c>repository</c> (running), <c>finished</c> (kept after it finished) or <c>journal</c> (the instance is gone; its
/// last journal entry).</param>
/// <param name="Version">The repository's version counter; null in embedded mode and when read from the journal.</param>
public sealed record SagaStateView(
    string Saga,
    Guid CorrelationId,
    string State,
    bool Finished,
    int? Version,
    string Source,
    JsonElement Instance,
    int JournalEntries
);
