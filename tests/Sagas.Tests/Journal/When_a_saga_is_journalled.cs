using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.Journal;

/// <summary>Embedded mode: MassTransit's in-memory repository, the journal in memory, the same registration as on Redis.</summary>
public sealed class When_a_saga_is_journalled : IAsyncLifetime
{
    private EmbeddedHarness _embedded = null!;

    private SagaInspector Inspector => _embedded.Services.GetRequiredService<SagaInspector>();

    private ISagaJournal Journal => _embedded.Services.GetRequiredService<ISagaJournal>();

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync(
            (_, settings) => bus => bus.AddJournaledSaga<CounterStateMachine, CounterState>(settings, "counter")
        );

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_record_every_message_in_order_with_the_state_before_and_after()
    {
        var id = await CounterRecording.RecordAsync(_embedded.Harness.Bus, Journal, increments: 3);

        var journal = await Inspector.GetJournalAsync("counter", id, CancellationToken.None);

        Assert.Equal(
            [("Initial", "Counting"), ("Counting", "Counting"), ("Counting", "Counting"), ("Counting", "Final")],
            journal.Select(e => (e.StateBefore, e.StateAfter))
        );
        Assert.Equal([1, 2, 3, 4], journal.Select(e => e.Sequence));
        Assert.Null(journal[0].InstanceBefore);
        Assert.Equal(1, journal[0].InstanceAfter.GetProperty("count").GetInt32());
        Assert.Equal(1, journal[1].InstanceBefore!.Value.GetProperty("count").GetInt32());
        Assert.Equal("urn:message:GitLabBus.Tests.TestSupport.Sagas:CounterIncremented", journal[0].MessageType);
        Assert.Equal(2, journal[1].Message.GetProperty("sequence").GetInt32());
        Assert.NotNull(journal[0].MessageId);
        Assert.Equal([false, false, false, true], journal.Select(e => e.Finished));
    }

    [Fact]
    public async Task Should_show_a_running_instance_from_the_repository_and_a_finished_one_from_its_journal()
    {
        var id = await CounterRecording.RecordAsync(_embedded.Harness.Bus, Journal, increments: 2, close: false);

        var running = await Inspector.GetStateAsync("counter", id, CancellationToken.None);
        await CounterRecording.RecordAsync(_embedded.Harness.Bus, Journal, increments: 0, id: id);
        var finished = await Inspector.GetStateAsync("counter", id, CancellationToken.None);

        Assert.Equal(
            ("repository", "Counting", false, 2),
            (running!.Source, running.State, running.Finished, running.Instance.GetProperty("count").GetInt32())
        );
        Assert.Equal(("journal", "Final", true, 3), (finished!.Source, finished.State, finished.Finished, finished.JournalEntries));
        Assert.Null(await Inspector.GetStateAsync("counter", NewId.NextGuid(), CancellationToken.None));
    }
}
