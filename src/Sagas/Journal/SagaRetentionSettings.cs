using GitLabBus.Runtime.Settings;

namespace GitLabBus.Sagas.Journal;

/// <summary>How long saga journals and finished instances are kept: finished sagas are the ones people debug.</summary>
/// <param name="JournalRetention"><c>SAGA_JOURNAL_RETENTION_HOURS</c>: a journal lives this long after its last entry.</param>
/// <param name="JournalMaxEntries"><c>SAGA_JOURNAL_MAX_ENTRIES</c>: the oldest entries of a runaway saga are trimmed beyond this.</param>
/// <param name="FinishedRetention"><c>SAGA_FINISHED_RETENTION_HOURS</c>: a finished instance stays readable this long (0 = deleted at
/// once).</param>
public sealed record SagaRetentionSettings(TimeSpan JournalRetention, int JournalMaxEntries, TimeSpan FinishedRetention)
{
    public static readonly SagaRetentionSettings Default = new(TimeSpan.FromDays(7), 10_000, TimeSpan.FromDays(7));

    public static SagaRetentionSettings Read(SettingsReader reader) =>
        new(
            TimeSpan.FromHours(reader.Int("SAGA_JOURNAL_RETENTION_HOURS", 168, 1, 24 * 365)),
            reader.Int("SAGA_JOURNAL_MAX_ENTRIES", 10_000, 10, 1_000_000),
            TimeSpan.FromHours(reader.Int("SAGA_FINISHED_RETENTION_HOURS", 168, 0, 24 * 365))
        );
}
