using GitLabBus.Runtime.Settings;
using GitLabBus.Sagas.Scheduling;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Sagas;

/// <summary>
/// The sagas role: state machines and, on RabbitMQ, the durable <c>scheduler</c> endpoint with its dispatcher
/// (in memory, the transport delays messages itself). State machines register here as they land.
/// </summary>
public static class SagasRole
{
    public const string Name = "sagas";

    /// <summary>Registers the role's services and returns its bus registrations.</summary>
    public static Action<IBusRegistrationConfigurator> AddSagasRole(this IServiceCollection services, RuntimeSettings settings)
    {
        if (settings.Bus.InMemory)
        {
            return _ => { };
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
        return bus => bus.AddConsumer<ScheduleMessageConsumer, ScheduleMessageConsumerDefinition>();
    }
}
