using MassTransit.Saga;

namespace GitLabBus.Sagas.Journal;

/// <summary>
/// Put on a saga's consume context by a repository that writes the journal entry in the same atomic step as the
/// instance (the Redis repository), so a write that loses a version race leaves no entry and each committed
/// message exactly one. Without it (MassTransit's in-memory repository) the journal filter appends itself.
/// </summary>
public sealed class PendingJournalEntry(SagaConsumeContextMode mode)
{
    public SagaJournalEntry? Entry { get; set; }

    /// <summary>
    /// A new instance finished by its first message is never written (MassTransit neither saves nor deletes it),
    /// so its entry has no write to travel with.
    /// </summary>
    public bool TravelsWithInstanceWrite(bool completed) => !(mode == SagaConsumeContextMode.Add && completed);

    /// <summary>The entry, once: a second write of the same consume must not repeat it.</summary>
    public string TakeJson()
    {
        var json = Entry is null ? "" : SagaJournalJson.Serialize(Entry);
        Entry = null;
        return json;
    }
}
