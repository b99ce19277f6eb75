using GitLabBus.Runtime.Settings;
using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Sagas.Inspection;

/// <summary>How a state machine joins the platform: persisted, journalled, and known to inspection and replay by name.</summary>
public static class SagaRegistration
{
    /// <summary>
    /// Registers the state machine on the bus with its repository (Redis, or in memory in embedded mode), the journal
    /// filter around every message it consumes, and its descriptor for the <c>/sagas</c> endpoints.
    /// </summary>
    /// <param name="name">Kebab-case, e.g. <c>pipeline-monitor</c>: the Redis keys and the <c>/sagas/{saga}</c> path use it.</param>
    public static ISagaRegistrationConfigurator<TInstance> AddJournaledSaga<TMachine, TInstance>(
        this IBusRegistrationConfigurator bus,
        RuntimeSettings settings,
        string name,
        bool pessimistic = false
    )
        where TMachine : class, SagaStateMachine<TInstance>
        where TInstance : class, SagaStateMachineInstance, ISagaVersion
    {
        var options = bus.AddSagaDescriptor<TMachine, TInstance>(settings, name, pessimistic);
        var saga = bus.AddSagaStateMachine<TMachine, TInstance>(
            (context, configurator) =>
                configurator.UseFilter(
                    new SagaJournalFilter<TInstance>(
                        name,
                        context.GetRequiredService<TMachine>(),
                        context.GetRequiredService<ISagaJournal>(),
                        context.GetRequiredService<TimeProvider>()
                    )
                )
        );
        saga.Persist(settings.Redis, options);
        return saga;
    }

    /// <summary>Only what reading and replaying needs: for a host that inspects sagas another process runs.</summary>
    public static RedisSagaRepositoryOptions<TInstance> AddSagaDescriptor<TMachine, TInstance>(
        this IServiceCollection services,
        RuntimeSettings settings,
        string name,
        bool pessimistic = false
    )
        where TMachine : class, SagaStateMachine<TInstance>
        where TInstance : class, SagaStateMachineInstance, ISagaVersion
    {
        services.AddSagaJournal(settings);
        var options = new RedisSagaRepositoryOptions<TInstance>(name, SagaRetentionSettings.Read(settings.Reader), pessimistic);
        services.AddSingleton<SagaDescriptor>(new SagaDescriptor<TMachine, TInstance>(options));
        return options;
    }

    /// <summary>The journal store and the inspector (with whatever descriptors are registered).</summary>
    public static IServiceCollection AddSagaJournal(this IServiceCollection services, RuntimeSettings settings)
    {
        services.TryAddSingleton(SagaRetentionSettings.Read(settings.Reader));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SagaInspector>();
        if (settings.Redis.InMemory)
        {
            services.TryAddSingleton<ISagaJournal, InMemorySagaJournal>();
        }
        else
        {
            services.TryAddSingleton<ISagaJournal, RedisSagaJournal>();
        }

        return services;
    }
}
