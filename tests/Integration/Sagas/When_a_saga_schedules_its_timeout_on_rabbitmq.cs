using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Tests.TestSupport.Gateway;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Sagas;

/// <summary>
/// A saga's <c>Schedule</c> on RabbitMQ without the delayed-exchange plugin: the request goes to the sagas host's
/// durable scheduler and comes back with its scheduling token, or the saga would drop it as stale.
/// </summary>
public sealed class When_a_saga_schedules_its_timeout_on_rabbitmq : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private readonly RedisSagaRepositoryOptions<ExpiryState> _options = new("expiry", SagaRetentionSettings.Default);
    private WebApplication _sagasHost = null!;
    private ServiceProvider _sagaBus = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _sagasHost = await _infrastructure.StartSagasHostAsync();
        _sagaBus = await _infrastructure.StartBusAsync(
            (bus, settings) => bus.AddJournaledSaga<ExpiryStateMachine, ExpiryState>(settings, "expiry")
        );
    }

    public async Task DisposeAsync()
    {
        await _sagaBus.GetRequiredService<IBusControl>().StopAsync();
        await _sagaBus.DisposeAsync();
        await _sagasHost.StopAsync();
        await _sagasHost.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_receive_the_timeout_and_move_on()
    {
        var id = NewId.NextGuid();
        var store = new RedisSagaStore<ExpiryState>(_sagaBus.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), _options);

        await _sagaBus.GetRequiredService<IBus>().Publish(new WatchStarted(id));

        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () => (await store.LoadAsync(SystemTextJsonMessageSerializer.Instance, id))?.CurrentState == "Expired",
                TimeSpan.FromSeconds(30)
            )
        );

        // The timeout came back through the durable scheduler with its token; the journal kept it, so replay finds the instance.
        var replay = (await _sagaBus.GetRequiredService<SagaInspector>().ReplayAsync("expiry", id, CancellationToken.None))!;
        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
        Assert.Equal(["Watching", "Expired"], replay.Transitions.Select(t => t.StateAfter));
    }
}
