using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Settings;
using GitLabBus.Sagas.Backlog;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.MergeQueue;
using GitLabBus.Sagas.Pipelines;
using GitLabBus.Sagas.Scheduling;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Sagas;

/// <summary>
/// The sagas role: the platform's state machines, journalled, and, on RabbitMQ, the durable <c>scheduler</c>
/// endpoint with its dispatcher (in memory, the transport delays messages itself).
/// </summary>
public static class SagasRole
{
    public const string Name = "sagas";

    /// <summary>Registers the role's services and returns its bus registrations.</summary>
    public static Action<IBusRegistrationConfigurator> AddSagasRole(this IServiceCollection services, RuntimeSettings settings)
    {
        services.AddSagaJournal(settings);
        AddStateMachineSettings(services, settings);
        services.AddSingleton<IMessageRules<BacklogApplyRequested>, BacklogApplyRequestRules>();
        services.AddSingleton<IMessageRules<MergeBatchStartRequested>, MergeBatchStartRules>();
        if (settings.Bus.InMemory)
        {
            return bus =>
            {
                AddInspection(bus);
                AddStateMachines(new BusSagaCatalog(bus, settings));
            };
        }

        services.AddSingleton(SchedulerSettings.Read(settings.Reader));
        if (settings.Redis.InMemory)
        {
            services.AddSingleton<IScheduledMessageStore, InMemoryScheduledMessageStore>();
        }
        else
        {
            services.AddSingleton<IScheduledMessageStore, RedisScheduledMessageStore>();
        }

        services.AddHostedService<ScheduledMessageDispatcher>();
        return bus =>
        {
            bus.AddConsumer<ScheduleMessageConsumer, ScheduleMessageConsumerDefinition>();
            AddInspection(bus);
            AddStateMachines(new BusSagaCatalog(bus, settings));
        };
    }

    /// <summary>
    /// For the <c>replay</c> command: the journals and descriptors to read and replay, without running any state machine
    /// on the bus. The gateway's <c>/sagas</c> endpoints ask a running sagas role instead (<see cref="SagaInspectionConsumer"/>).
    /// </summary>
    public static IServiceCollection AddSagaInspection(this IServiceCollection services, RuntimeSettings settings)
    {
        services.AddSagaJournal(settings);
        AddStateMachineSettings(services, settings);
        AddStateMachines(new DescriptorSagaCatalog(services, settings));
        return services;
    }

    /// <summary>The sagas' read side, asked over the bus: inspection and replay, and each capability's projections.</summary>
    private static void AddInspection(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SagaInspectionConsumer, SagaInspectionConsumerDefinition>();
        bus.AddConsumer<PipelineTrackingConsumer, PipelineTrackingConsumerDefinition>();
        bus.AddConsumer<MergeQueueViewConsumer, MergeQueueViewConsumerDefinition>();
    }

    /// <summary>The platform's state machines, listed once for the bus and for inspection; each capability adds its own here.</summary>
    private static void AddStateMachines(ISagaCatalog catalog)
    {
        catalog.Add<PipelineMonitorStateMachine, PipelineMonitorState>(PipelineMonitorStateMachine.SagaName);
        catalog.Add<BacklogApplyStateMachine, BacklogApplyState>(BacklogApplyStateMachine.SagaName);
        catalog.Add<MergeBatchStateMachine, MergeBatchState>(MergeBatchStateMachine.SagaName);
        catalog.Add<MergeQueueStateMachine, MergeQueueState>(MergeQueueStateMachine.SagaName);
    }

    /// <summary>What the state machines are built with, for the bus and for replays alike.</summary>
    private static void AddStateMachineSettings(IServiceCollection services, RuntimeSettings settings)
    {
        services.TryAddSingleton(PipelineMonitorSettings.Read(settings.Reader));
        services.TryAddSingleton(BacklogApplySagaSettings.Read(settings.Reader));
    }

    private interface ISagaCatalog
    {
        void Add<TMachine, TInstance>(string name, bool pessimistic = false)
            where TMachine : class, SagaStateMachine<TInstance>
            where TInstance : class, SagaStateMachineInstance, ISagaVersion;
    }

    private sealed class BusSagaCatalog(IBusRegistrationConfigurator bus, RuntimeSettings settings) : ISagaCatalog
    {
        public void Add<TMachine, TInstance>(string name, bool pessimistic = false)
            where TMachine : class, SagaStateMachine<TInstance>
            where TInstance : class, SagaStateMachineInstance, ISagaVersion =>
            bus.AddJournaledSaga<TMachine, TInstance>(settings, name, pessimistic);
    }

    private sealed class DescriptorSagaCatalog(IServiceCollection services, RuntimeSettings settings) : ISagaCatalog
    {
        public void Add<TMachine, TInstance>(string name, bool pessimistic = false)
            where TMachine : class, SagaStateMachine<TInstance>
            where TInstance : class, SagaStateMachineInstance, ISagaVersion =>
            services.AddSagaDescriptor<TMachine, TInstance>(settings, name, pessimistic);
    }
}
