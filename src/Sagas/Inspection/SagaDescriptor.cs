using System.Text.Json;
using GitLabBus.Runtime.Settings;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Sagas.Replay;
using MassTransit;
using MassTransit.Serialization;
using StackExchange.Redis;

namespace GitLabBus.Sagas.Inspection;

/// <summary>A saga type the inspection endpoints and replay know by its kebab-case name.</summary>
public abstract class SagaDescriptor
{
    public abstract string Name { get; }

    /// <summary>The stored instance (running or kept after finishing); null when there is none.</summary>
    internal abstract Task<StoredInstance?> LoadAsync(IServiceProvider services, Guid correlationId, CancellationToken cancellationToken);

    internal abstract Task<SagaReplayResult> ReplayAsync(
        IServiceProvider services,
        Guid correlationId,
        IReadOnlyList<SagaJournalEntry> journal,
        JsonElement? storedState,
        CancellationToken cancellationToken
    );
}

internal sealed record StoredInstance(string State, bool Finished, int? Version, JsonElement Instance);

public sealed class SagaDescriptor<TMachine, TInstance>(RedisSagaRepositoryOptions<TInstance> options) : SagaDescriptor
    where TMachine : class, SagaStateMachine<TInstance>
    where TInstance : class, SagaStateMachineInstance, ISagaVersion
{
    private readonly Lock _gate = new();
    private (TMachine Machine, StateNames<TInstance> States, SagaReplayer<TInstance> Replayer)? _machine;

    public override string Name => options.SagaName;

    internal override async Task<StoredInstance?> LoadAsync(
        IServiceProvider services,
        Guid correlationId,
        CancellationToken cancellationToken
    )
    {
        var (_, states, _) = Machine(services);
        if (services.GetRequiredService<RedisSettings>().InMemory)
        {
            var repository = services.GetService<ILoadSagaRepository<TInstance>>();
            return repository is not null && await repository.Load(correlationId) is { } running
                ? new StoredInstance(states.Of(running), false, null, ConsumedMessage.Snapshot(running))
                : null;
        }

        var store = new RedisSagaStore<TInstance>(services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), options);
        if (await store.LoadAsync(SystemTextJsonMessageSerializer.Instance, correlationId) is { } instance)
        {
            return new StoredInstance(states.Of(instance), false, instance.Version, ConsumedMessage.Snapshot(instance));
        }

        return await store.LoadFinishedAsync(SystemTextJsonMessageSerializer.Instance, correlationId) is { } finished
            ? new StoredInstance(states.Of(finished), true, finished.Version, ConsumedMessage.Snapshot(finished))
            : null;
    }

    internal override Task<SagaReplayResult> ReplayAsync(
        IServiceProvider services,
        Guid correlationId,
        IReadOnlyList<SagaJournalEntry> journal,
        JsonElement? storedState,
        CancellationToken cancellationToken
    ) => Machine(services).Replayer.ReplayAsync(correlationId, journal, storedState, cancellationToken);

    /// <summary>The host's own state machine where it runs sagas; made here otherwise (a gateway inspecting a remote sagas role).</summary>
    private (TMachine Machine, StateNames<TInstance> States, SagaReplayer<TInstance> Replayer) Machine(IServiceProvider services)
    {
        lock (_gate)
        {
            if (_machine is null)
            {
                var machine = services.GetService<TMachine>() ?? ActivatorUtilities.CreateInstance<TMachine>(services);
                _machine = (machine, new StateNames<TInstance>(machine), new SagaReplayer<TInstance>(options.SagaName, machine));
            }

            return _machine.Value;
        }
    }
}
