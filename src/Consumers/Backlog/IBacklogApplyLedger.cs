namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// The memory of backlog applies, for <c>IDEMPOTENCY_TTL_SECONDS</c>: which operation holds a prompt and its answer, each
/// item's outcome (by step and input index), and how many times each step started. The gateway claims a prompt before
/// it publishes; the apply consumer claims it too, for messages other systems publish.
/// </summary>
public interface IBacklogApplyLedger
{
    /// <summary>
    /// Claims the prompt for <paramref name="operationId"/> unless another operation holds it, and returns the holder. The
    /// claim lasts <paramref name="hold"/>; claiming again as the holder extends it.
    /// The gateway claims briefly before it publishes and for the whole window once the broker confirmed, so a gateway
    /// that dies in between blocks the prompt for moments, not a day.
    /// </summary>
    Task<BacklogApplyClaim> ClaimAsync(BacklogApplyKey key, string operationId, TimeSpan hold, CancellationToken cancellationToken);

    /// <summary>Lets the prompt go if <paramref name="operationId"/> holds it (the apply failed as a whole); item records stay.</summary>
    Task ReleaseAsync(BacklogApplyKey key, string operationId, CancellationToken cancellationToken);

    /// <summary>Stores the answer of the operation holding the prompt: later applies of the prompt get it.</summary>
    Task CompleteAsync(BacklogApplyKey key, Contracts.BacklogApplied response, CancellationToken cancellationToken);

    /// <summary>Counts a start of the step; more than one means an earlier start may have written to GitLab unrecorded.</summary>
    Task<long> BeginStepAsync(BacklogApplyKey key, string scope, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<int, BacklogItemRecord>> ItemsAsync(BacklogApplyKey key, string scope, CancellationToken cancellationToken);

    /// <summary>Records items' outcomes (one round trip for all of them).</summary>
    Task RecordAsync(BacklogApplyKey key, string scope, IReadOnlyList<BacklogItemRecord> records, CancellationToken cancellationToken);
}
