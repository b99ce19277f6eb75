namespace GitLabBus.Sagas.Scheduling;

/// <summary>For a single all-in-one process on RabbitMQ without Redis: same behaviour, not durable across restarts.</summary>
public sealed class InMemoryScheduledMessageStore : IScheduledMessageStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (ScheduledMessage Message, DateTimeOffset? LeaseUntil)> _messages = [];

    public Task ScheduleAsync(ScheduledMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _messages[message.TokenId] = (message, null);
        }

        return Task.CompletedTask;
    }

    public Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_messages.Remove(tokenId));
        }
    }

    public Task<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(
        DateTimeOffset now,
        int max,
        TimeSpan lease,
        CancellationToken cancellationToken
    )
    {
        lock (_gate)
        {
            var claimable = _messages
                .Values.Where(m => m.LeaseUntil is null ? m.Message.DueAt <= now : m.LeaseUntil <= now)
                .OrderBy(m => m.Message.DueAt)
                .Take(max)
                .Select(m => m.Message)
                .ToList();
            foreach (var message in claimable)
            {
                _messages[message.TokenId] = (message, now + lease);
            }

            return Task.FromResult<IReadOnlyList<ScheduledMessage>>(claimable);
        }
    }

    public Task CompleteAsync(Guid tokenId, CancellationToken cancellationToken) => CancelAsync(tokenId, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult((long)_messages.Count);
        }
    }
}
