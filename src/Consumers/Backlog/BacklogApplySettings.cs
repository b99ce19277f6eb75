using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.Backlog;

/// <param name="IdempotencyTtl"><c>IDEMPOTENCY_TTL_SECONDS</c> (86,400): how long a prompt's apply is remembered.</param>
/// <param name="StepLease"><c>APPLY_STEP_LEASE_SECONDS</c> (30): how long a step's lease lasts without renewal (renewed every third of it),
/// so how soon a step whose consumer died can run again.</param>
/// <param name="DuplicateWarningScore"><c>DUPLICATE_WARNING_SCORE</c> (0.9): how similar a new item's title must be to an open work
/// item's for the apply to warn about it.</param>
public sealed record BacklogApplySettings(TimeSpan IdempotencyTtl, TimeSpan StepLease, double DuplicateWarningScore = 0.9)
{
    public static BacklogApplySettings Read(SettingsReader reader) =>
        new(
            TimeSpan.FromSeconds(reader.Int("IDEMPOTENCY_TTL_SECONDS", 86_400, 1, 30 * 86_400)),
            TimeSpan.FromSeconds(reader.Double("APPLY_STEP_LEASE_SECONDS", 30, 1, 3_600)),
            reader.Double("DUPLICATE_WARNING_SCORE", 0.9, 0, 1)
        );
}
