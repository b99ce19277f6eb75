using GitLabBus.Sagas.Journal;
using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Persistence;

/// <summary>The repository as MassTransit's saga pipe sees it for one message (call order: SendSagaPipe).</summary>
public sealed class RedisSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    private readonly RedisSagaStore<TSaga> _store;
    private readonly ConsumeContext<TMessage> _context;
    private readonly ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> _factory;

    public RedisSagaRepositoryContext(
        RedisSagaStore<TSaga> store,
        ConsumeContext<TMessage> context,
        ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> factory
    )
        : base(context)
    {
        _store = store;
        _context = context;
        _factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) => CreateAsync(_context, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>?> Insert(TSaga instance) =>
        await _store.TryInsertAsync(_context.SerializerContext, instance)
            ? await CreateAsync(_context, instance, SagaConsumeContextMode.Insert)
            : null;

    public async Task<SagaConsumeContext<TSaga, TMessage>?> Load(Guid correlationId) =>
        await _store.LoadAsync(_context.SerializerContext, correlationId) is { } instance
            ? await CreateAsync(_context, instance, SagaConsumeContextMode.Load)
            : null;

    public Task Save(SagaConsumeContext<TSaga> sagaContext) =>
        _store.AddAsync(sagaContext.SerializerContext, sagaContext.Saga, PendingJournalJson(sagaContext));

    public Task Update(SagaConsumeContext<TSaga> sagaContext) =>
        _store.UpdateAsync(sagaContext.SerializerContext, sagaContext.Saga, PendingJournalJson(sagaContext));

    public Task Delete(SagaConsumeContext<TSaga> sagaContext) =>
        _store.FinishAsync(sagaContext.SerializerContext, sagaContext.Saga, PendingJournalJson(sagaContext));

    public Task Discard(SagaConsumeContext<TSaga> sagaContext) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> sagaContext) => Task.CompletedTask;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> consumeContext,
        TSaga instance,
        SagaConsumeContextMode mode
    )
        where T : class => CreateAsync(consumeContext, instance, mode);

    private static string PendingJournalJson(SagaConsumeContext<TSaga> sagaContext) =>
        sagaContext.TryGetPayload<PendingJournalEntry>(out var pending) ? pending.TakeJson() : "";

    /// <summary>Every saga context this repository hands out carries the slot its journal entry travels in.</summary>
    private async Task<SagaConsumeContext<TSaga, T>> CreateAsync<T>(
        ConsumeContext<T> consumeContext,
        TSaga instance,
        SagaConsumeContextMode mode
    )
        where T : class
    {
        var sagaContext = await _factory.CreateSagaConsumeContext(_store, consumeContext, instance, mode);
        sagaContext.AddOrUpdatePayload(() => new PendingJournalEntry(mode), _ => new PendingJournalEntry(mode));
        return sagaContext;
    }
}

/// <summary>Loading outside a message (the saga endpoints of the gateway, replay).</summary>
public sealed class RedisLoadSagaRepositoryContext<TSaga>(RedisSagaStore<TSaga> store, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken),
        LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    // MassTransit's interface is not nullable-annotated; null is its "no such instance".
    public async Task<TSaga> Load(Guid correlationId) => (await store.LoadAsync(SystemTextJsonMessageSerializer.Instance, correlationId))!;
}
