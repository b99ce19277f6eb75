using System.Text.Json;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Replay;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.Replay;

public sealed class When_a_journal_is_replayed : IAsyncLifetime
{
    private EmbeddedHarness _embedded = null!;

    private SagaInspector Inspector => _embedded.Services.GetRequiredService<SagaInspector>();

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync(
            (_, settings) =>
                bus =>
                {
                    bus.AddJournaledSaga<CounterStateMachine, CounterState>(settings, "counter");
                    bus.AddJournaledSaga<ExpiryStateMachine, ExpiryState>(settings, "expiry");
                }
        );

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_reach_the_recorded_end_state_and_capture_what_the_saga_published()
    {
        var id = await RecordCounterAsync();

        var replay = (await Inspector.ReplayAsync("counter", id, CancellationToken.None))!;

        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
        Assert.All(replay.Transitions, transition => Assert.True(transition.Matches));
        Assert.Equal(["Counting", "Counting", "Counting", "Final"], replay.Transitions.Select(t => t.StateAfter));
        var published = Assert.Single(replay.Transitions[^1].Outgoing);
        Assert.Equal(("publish", nameof(CounterFinished)), (published.Kind, published.MessageType));
        Assert.Equal(3, replay.EndState!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Should_report_a_tampered_journal_as_a_mismatch()
    {
        var id = await RecordCounterAsync();
        var journal = await Inspector.GetJournalAsync("counter", id, CancellationToken.None);
        var tampered = journal
            .Select(entry =>
                entry.Sequence == 2
                    ? entry with
                    {
                        Message = JsonSerializer.SerializeToElement(new { correlationId = id, sequence = 50 }),
                    }
                    : entry
            )
            .ToList();

        var replay = await new SagaReplayer<CounterState>("counter", new CounterStateMachine()).ReplayAsync(
            id,
            tampered,
            null,
            CancellationToken.None
        );

        Assert.False(replay.EndStateMatches);
        Assert.Equal([true, false, false, false], replay.Transitions.Select(t => t.Matches));
        Assert.Contains(
            replay.Differences,
            difference => difference.StartsWith("$.sequenceSum: replayed 54, recorded 6", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Should_deliver_a_scheduled_event_to_the_instance_that_scheduled_it()
    {
        var id = NewId.NextGuid();
        var sagas = _embedded.Harness.GetSagaStateMachineHarness<ExpiryStateMachine, ExpiryState>();
        await _embedded.Harness.Bus.Publish(new WatchStarted(id));
        Assert.NotNull(await sagas.Exists(id, machine => machine.Expired));

        var replay = await Inspector.ReplayJournalledAsync("expiry", id, "Expired");

        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
        Assert.Equal(["Watching", "Expired"], replay.Transitions.Select(t => t.StateAfter));
        var scheduled = Assert.Single(replay.Transitions[0].Outgoing);
        Assert.Equal(("schedule", nameof(WatchExpired)), (scheduled.Kind, scheduled.MessageType));
        Assert.NotNull(scheduled.ScheduledFor);
    }

    [Fact]
    public async Task Should_say_there_is_nothing_to_replay_for_an_unknown_instance() =>
        Assert.Null(await Inspector.ReplayAsync("counter", NewId.NextGuid(), CancellationToken.None));

    private Task<Guid> RecordCounterAsync() =>
        CounterRecording.RecordAsync(_embedded.Harness.Bus, _embedded.Services.GetRequiredService<ISagaJournal>(), increments: 3);
}
