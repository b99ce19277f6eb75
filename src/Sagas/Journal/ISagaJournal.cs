namespace GitLabBus.Sagas.Journal;

/// <summary>The journals of saga instances: every consumed message, in order, outliving the instance.</summary>
public interface ISagaJournal
{
    /// <summary>Appends an entry that is not written together with the instance (see <see cref="PendingJournalEntry"/>).</summary>
    Task AppendAsync(string saga, Guid correlationId, SagaJournalEntry entry, CancellationToken cancellationToken);

    /// <summary>The journal in order; empty when there is none (never recorded, or expired).</summary>
    Task<IReadOnlyList<SagaJournalEntry>> ReadAsync(string saga, Guid correlationId, CancellationToken cancellationToken);
}
