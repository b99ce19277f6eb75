using GitLabBus.Runtime.Settings;

namespace GitLabBus.Sagas.Backlog;

/// <param name="KeepFinished"><c>BACKLOG_APPLY_KEEP_HOURS</c> (24): a finished apply stays this long, answering the same message again,
/// then is removed.</param>
public sealed record BacklogApplySagaSettings(TimeSpan KeepFinished)
{
    public static BacklogApplySagaSettings Read(SettingsReader reader) =>
        new(TimeSpan.FromHours(reader.Double("BACKLOG_APPLY_KEEP_HOURS", 24, 0, 24 * 365)));
}
