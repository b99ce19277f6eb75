namespace GitLabBus.Sagas.Scheduling;

/// <summary>
/// Messages waiting for their time. <see cref="ClaimDueAsync"/> hands each due message to exactly one caller
/// (across replicas) under a lease; <see cref="CompleteAsync"/> forgets it once sent. A claim whose lease runs
/// out without completion (the replica died mid-send) becomes due again, so nothing scheduled is lost.
/// </summary>
public interface IScheduledMessageStore
{
    /// <summary>Adds or replaces (same token id) a scheduled message.</summary>
    Task ScheduleAsync(ScheduledMessage message, CancellationToken cancellationToken);

    /// <summary>Removes a scheduled message; false when there was none (already sent or never scheduled).</summary>
    Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken);

    Task CompleteAsync(Guid tokenId, CancellationToken cancellationToken);

    /// <summary>How many messages wait, claimed or not (for health and tests).</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);
}
