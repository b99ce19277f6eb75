using System.Net;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Runtime.Settings;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Gateway.Sagas;

/// <summary>
/// A gateway that knows the counter saga, and a journal the way a sagas host recorded it (the saga ran on
/// MassTransit's harness with the production registration; its entries are handed to the gateway's journal).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_saga_is_inspected : IClassFixture<When_a_saga_is_inspected.RecordedCounterSaga>
{
    private readonly RecordedCounterSaga _recorded;
    private readonly HttpClient _viewer;

    public When_a_saga_is_inspected(RecordedCounterSaga recorded)
    {
        _recorded = recorded;
        _viewer = recorded.Gateway.ClientWithRoles(Roles.Viewer);
    }

    private string Path => $"/sagas/counter/{_recorded.CorrelationId}";

    [Fact]
    public async Task Should_list_the_saga_names()
    {
        var list = await (await _viewer.GetAsync("/sagas")).JsonAsync();

        Assert.Equal(
            ["backlog-apply", "counter", "merge-batch", "merge-queue", "pipeline-monitor"],
            list.GetProperty("sagas").EnumerateArray().Select(name => name.GetString())
        );
    }

    [Fact]
    public async Task Should_show_the_last_state_of_a_finished_instance()
    {
        var state = await (await _viewer.GetAsync(Path)).JsonAsync();

        Assert.Equal(
            ("Final", true, "journal", 4),
            (
                state.GetProperty("state").GetString(),
                state.GetProperty("finished").GetBoolean(),
                state.GetProperty("source").GetString(),
                state.GetProperty("journal_entries").GetInt32()
            )
        );
        Assert.Equal(3, state.GetProperty("instance").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Should_serve_the_journal_in_order_with_the_states_before_and_after()
    {
        var journal = await (await _viewer.GetAsync($"{Path}/journal")).JsonAsync();

        var entries = journal.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4], entries.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.Equal("Initial", entries[0].GetProperty("state_before").GetString());
        Assert.Equal("Final", entries[3].GetProperty("state_after").GetString());
        Assert.Equal(2, entries[1].GetProperty("message").GetProperty("sequence").GetInt32());
        Assert.Equal(1, entries[1].GetProperty("instance_before").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Should_find_an_instance_by_the_name_its_id_is_made_from()
    {
        var journal = await (
            await _viewer.GetAsync($"/sagas/counter/{Uri.EscapeDataString(RecordedCounterSaga.Name)}/journal")
        ).JsonAsync();

        Assert.Equal(3, journal.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Should_replay_the_journal_to_the_same_end_state()
    {
        var response = await _viewer.PostAsync($"{Path}/replay", null);
        var replay = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(replay.GetProperty("end_state_matches").GetBoolean());
        var transitions = replay.GetProperty("transitions").EnumerateArray().ToList();
        Assert.Equal(4, transitions.Count);
        Assert.Equal("publish", transitions[3].GetProperty("outgoing")[0].GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("/sagas/no-such-saga/0f8fad5b-d9cb-469f-a165-70867728950e", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/sagas/counter/0f8fad5b-d9cb-469f-a165-70867728950e", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/sagas/counter/0f8fad5b-d9cb-469f-a165-70867728950e/journal", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/sagas/counter/not-a-guid", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task Should_refuse_an_unknown_saga_or_instance_with_the_contract_error(string path, HttpStatusCode status, string code)
    {
        var response = await _viewer.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_require_a_token()
    {
        var anonymous = _recorded.Gateway.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/sagas")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"{Path}/replay", null)).StatusCode);
    }

    public sealed class RecordedCounterSaga : IAsyncLifetime
    {
        public GatewayFactory Gateway { get; } =
            new GatewayFactory().WithServices(services =>
                services.AddSagaDescriptor<CounterStateMachine, CounterState>(
                    RuntimeSettings.Read(new ConfigurationBuilder().Build()),
                    "counter"
                )
            );

        public Guid CorrelationId { get; } = NewId.NextGuid();

        /// <summary>An instance whose id is made from a name, as the merge queue's and the pipeline monitor's are.</summary>
        public const string Name = "project:7:target:release/1.0";

        public async Task InitializeAsync()
        {
            await using var sagasHost = await EmbeddedHarness.StartAsync(
                (_, settings) => bus => bus.AddJournaledSaga<CounterStateMachine, CounterState>(settings, "counter")
            );
            var recorded = sagasHost.Services.GetRequiredService<ISagaJournal>();
            var named = PipelineCorrelation.NameBased(Name);
            await CounterRecording.RecordAsync(sagasHost.Harness.Bus, recorded, increments: 3, id: CorrelationId);
            await CounterRecording.RecordAsync(sagasHost.Harness.Bus, recorded, increments: 2, id: named);

            var journal = Gateway.Services.GetRequiredService<ISagaJournal>();
            foreach (var id in new[] { CorrelationId, named })
            {
                foreach (var entry in await recorded.ReadAsync("counter", id, CancellationToken.None))
                {
                    await journal.AppendAsync("counter", id, entry, CancellationToken.None);
                }
            }
        }

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }
}
