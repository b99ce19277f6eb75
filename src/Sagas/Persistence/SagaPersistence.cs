using GitLabBus.Runtime.Settings;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Sagas.Persistence;

/// <summary>Where sagas live: Redis when <c>REDIS_URL</c> is set, MassTransit's in-memory repository otherwise.</summary>
public static class SagaPersistence
{
    public static void Persist<TSaga>(
        this ISagaRegistrationConfigurator<TSaga> saga,
        RedisSettings redis,
        RedisSagaRepositoryOptions<TSaga> options
    )
        where TSaga : class, SagaStateMachineInstance, ISagaVersion
    {
        if (redis.InMemory)
        {
            saga.InMemoryRepository();
            return;
        }

        saga.Repository(repository => repository.UseRedis(options));
    }

    public static void UseRedis<TSaga>(
        this ISagaRepositoryRegistrationConfigurator<TSaga> repository,
        RedisSagaRepositoryOptions<TSaga> options
    )
        where TSaga : class, ISagaVersion
    {
        repository.TryAddSingleton(options);
        repository.RegisterSagaRepository<
            TSaga,
            RedisSagaStore<TSaga>,
            SagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga>,
            RedisSagaRepositoryContextFactory<TSaga>
        >();
        repository.RegisterLoadSagaRepository<TSaga, RedisSagaRepositoryContextFactory<TSaga>>();
    }
}
