using System.Text.Json;

namespace GitLabBus.Sagas.Journal;

/// <summary>How journal entries are stored: snake_case JSON, the same shape the gateway serves.</summary>
public static class SagaJournalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static string Serialize(SagaJournalEntry entry) => JsonSerializer.Serialize(entry, Options);

    public static SagaJournalEntry Deserialize(string json, int sequence) =>
        (JsonSerializer.Deserialize<SagaJournalEntry>(json, Options) ?? throw new JsonException("empty journal entry")) with
        {
            Sequence = sequence,
        };
}
