using MassTransit;
using MassTransit.Saga;
using StackExchange.Redis;

namespace GitLabBus.Sagas.Persistence;

public sealed class RedisSagaRepositoryContextFactory<TSaga>(
    IConnectionMultiplexer redis,
    ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> factory,
    RedisSagaRepositoryOptions<TSaga> options,
    TimeProvider time
) : ISagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        await using var store = new RedisSagaStore<TSaga>(redis.GetDatabase(), options, time);
        if (options.Pessimistic && context.CorrelationId is { } correlationId)
        {
            await store.LockAsync(correlationId, context.CancellationToken);
        }

        await next.Send(new RedisSagaRepositoryContext<TSaga, T>(store, context, factory));
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException(
            $"{options.SagaName}: sagas are correlated by CorrelationId only; derive it from the message instead of querying"
        );

    public async Task<T> Execute<T>(
        Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod,
        CancellationToken cancellationToken = default
    )
        where T : class
    {
        await using var store = new RedisSagaStore<TSaga>(redis.GetDatabase(), options, time);
        return await asyncMethod(new RedisLoadSagaRepositoryContext<TSaga>(store, cancellationToken));
    }

    public void Probe(ProbeContext context) => context.Add("persistence", "redis");
}
