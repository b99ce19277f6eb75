using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Sagas.Replay;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Sagas;

/// <summary>A saga recorded on the real RabbitMQ and Redis: its journal outlives it and replays to the stored end state.</summary>
public sealed class When_a_saga_is_replayed_from_redis : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private ServiceProvider _bus = null!;

    private SagaInspector Inspector => _bus.GetRequiredService<SagaInspector>();

    private IDatabase Redis => _bus.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _bus = await _infrastructure.StartBusAsync(
            (bus, settings) => bus.AddJournaledSaga<CounterStateMachine, CounterState>(settings, "counter")
        );
    }

    public async Task DisposeAsync()
    {
        await _bus.GetRequiredService<IBusControl>().StopAsync();
        await _bus.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_replay_a_finished_saga_to_its_stored_end_state()
    {
        var id = await RecordAsync();

        var state = (await Inspector.GetStateAsync("counter", id, CancellationToken.None))!;
        var replay = (await Inspector.ReplayAsync("counter", id, CancellationToken.None))!;

        Assert.Equal(("finished", "Final", 4), (state.Source, state.State, state.JournalEntries));
        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
        Assert.Equal(["Counting", "Counting", "Counting", "Final"], replay.Transitions.Select(t => t.StateAfter));
        Assert.InRange(
            (await Redis.KeyTimeToLiveAsync(SagaKeys.Journal("counter", id)))!.Value,
            TimeSpan.FromDays(6.9),
            TimeSpan.FromDays(7)
        );
    }

    [Fact]
    public async Task Should_report_a_journal_with_a_deleted_entry_as_a_mismatch()
    {
        var id = await RecordAsync();
        var key = SagaKeys.Journal("counter", id);
        var second = (await Redis.StreamRangeAsync(key))[1];
        await Redis.StreamDeleteAsync(key, [second.Id]);

        var replay = (await Inspector.ReplayAsync("counter", id, CancellationToken.None))!;

        Assert.False(replay.EndStateMatches);
        Assert.Equal(3, replay.Transitions.Count);
        Assert.Contains(
            replay.Differences,
            difference => difference.StartsWith("$.count: replayed 2, recorded 3", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Should_print_the_timeline_from_the_command_line_and_exit_by_the_verdict()
    {
        var id = await RecordAsync();
        var (exitCode, output, _) = await RunReplayCommandAsync("counter", id.ToString());

        Assert.Equal(0, exitCode);
        Assert.Contains($"counter {id}: 4 journalled messages replayed", output);
        Assert.Contains("Initial -> Counting", output);
        Assert.Contains("-> publish CounterFinished", output);
        Assert.EndsWith("end state: matches the stored instance", output.TrimEnd());

        var key = SagaKeys.Journal("counter", id);
        await Redis.StreamDeleteAsync(key, [(await Redis.StreamRangeAsync(key))[0].Id]);
        var (tamperedExit, tamperedOutput, _) = await RunReplayCommandAsync("counter", id.ToString());
        Assert.Equal(1, tamperedExit);
        Assert.Contains("end state: DIFFERS from the stored instance", tamperedOutput);
    }

    [Theory]
    [InlineData("no-such-saga", "no saga named 'no-such-saga'; known sagas: counter")]
    [InlineData("counter", "no journal for counter")]
    public async Task Should_exit_2_with_one_line_when_there_is_nothing_to_replay(string saga, string message)
    {
        var (exitCode, output, error) = await RunReplayCommandAsync(saga, NewId.NextGuid().ToString());

        Assert.Equal((2, ""), (exitCode, output));
        Assert.StartsWith(message, error);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunReplayCommandAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = _infrastructure.RedisUrl })
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ReplayCommand.RunAsync(
            args,
            configuration,
            output,
            error,
            (services, settings) => services.AddSagaDescriptor<CounterStateMachine, CounterState>(settings, "counter"),
            CancellationToken.None
        );
        return (exitCode, output.ToString(), error.ToString());
    }

    private Task<Guid> RecordAsync() =>
        CounterRecording.RecordAsync(_bus.GetRequiredService<IBus>(), _bus.GetRequiredService<ISagaJournal>(), increments: 3);
}
