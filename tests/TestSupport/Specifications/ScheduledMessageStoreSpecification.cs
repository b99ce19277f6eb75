using GitLabBus.Sagas.Scheduling;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IScheduledMessageStore"/> must do; in memory here, on a real Redis in the integration tests.</summary>
public abstract class ScheduledMessageStoreSpecification
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected abstract Task<IScheduledMessageStore> CreateAsync();

    private static ScheduledMessage Message(TimeSpan dueIn) =>
        new()
        {
            TokenId = Guid.NewGuid(),
            DueAt = Now + dueIn,
            Destination = new Uri("exchange:somewhere"),
            ContentType = "application/vnd.masstransit+json",
            Body = """{"message":{}}""",
        };

    [Fact]
    public async Task Only_due_messages_are_claimed()
    {
        var store = await CreateAsync();
        var due = Message(TimeSpan.FromSeconds(-1));
        await store.ScheduleAsync(due, CancellationToken.None);
        await store.ScheduleAsync(Message(TimeSpan.FromMinutes(5)), CancellationToken.None);

        var claimed = await store.ClaimDueAsync(Now, 100, Lease, CancellationToken.None);

        Assert.Equal([due.TokenId], claimed.Select(m => m.TokenId));
        Assert.Equal(due.Body, claimed[0].Body);
    }

    [Fact]
    public async Task A_claimed_message_is_not_claimed_again_until_its_lease_runs_out()
    {
        var store = await CreateAsync();
        var due = Message(TimeSpan.Zero);
        await store.ScheduleAsync(due, CancellationToken.None);

        var first = await store.ClaimDueAsync(Now, 100, Lease, CancellationToken.None);
        var concurrent = await store.ClaimDueAsync(Now + TimeSpan.FromSeconds(1), 100, Lease, CancellationToken.None);
        var afterLease = await store.ClaimDueAsync(Now + Lease + TimeSpan.FromSeconds(1), 100, Lease, CancellationToken.None);

        Assert.Single(first);
        Assert.Empty(concurrent);
        Assert.Equal([due.TokenId], afterLease.Select(m => m.TokenId));
    }

    [Fact]
    public async Task A_completed_message_is_gone()
    {
        var store = await CreateAsync();
        var due = Message(TimeSpan.Zero);
        await store.ScheduleAsync(due, CancellationToken.None);
        await store.ClaimDueAsync(Now, 100, Lease, CancellationToken.None);

        await store.CompleteAsync(due.TokenId, CancellationToken.None);

        Assert.Equal(0, await store.CountAsync(CancellationToken.None));
        Assert.Empty(await store.ClaimDueAsync(Now + Lease * 2, 100, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task A_cancelled_message_is_never_claimed()
    {
        var store = await CreateAsync();
        var message = Message(TimeSpan.FromSeconds(1));
        await store.ScheduleAsync(message, CancellationToken.None);

        var cancelled = await store.CancelAsync(message.TokenId, CancellationToken.None);
        var again = await store.CancelAsync(message.TokenId, CancellationToken.None);

        Assert.True(cancelled);
        Assert.False(again);
        Assert.Empty(await store.ClaimDueAsync(Now + TimeSpan.FromMinutes(1), 100, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task Scheduling_the_same_token_again_replaces_it()
    {
        var store = await CreateAsync();
        var message = Message(TimeSpan.FromMinutes(10));
        await store.ScheduleAsync(message, CancellationToken.None);

        await store.ScheduleAsync(message with { DueAt = Now }, CancellationToken.None);

        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
        Assert.Single(await store.ClaimDueAsync(Now, 100, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_takes_at_most_the_batch_size_earliest_first()
    {
        var store = await CreateAsync();
        var messages = Enumerable.Range(1, 5).Select(i => Message(TimeSpan.FromSeconds(-i))).ToList();
        foreach (var message in messages)
        {
            await store.ScheduleAsync(message, CancellationToken.None);
        }

        var claimed = await store.ClaimDueAsync(Now, 2, Lease, CancellationToken.None);

        Assert.Equal(messages.OrderBy(m => m.DueAt).Take(2).Select(m => m.TokenId), claimed.Select(m => m.TokenId));
    }
}
