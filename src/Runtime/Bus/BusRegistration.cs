using GitLabBus.Runtime.Health;
using GitLabBus.Runtime.Settings;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// The bus every host runs: RabbitMQ when configured, in-memory otherwise, with the same endpoint policy
/// either way (kebab-case names, quorum queues, raw JSON beside the envelope, message rules checked first, redelivery
/// later and retries now that both skip invalid messages, an in-memory outbox, request ids carried through, durable scheduling).
/// </summary>
public static class BusRegistration
{
    public const string HealthTag = "bus";

    /// <summary>The durable scheduler endpoint (hosted by the sagas role): RabbitMQ here has no delayed-exchange plugin.</summary>
    public const string SchedulerQueue = "scheduler";

    /// <summary>
    /// Sent to through its exchange: a <c>queue:</c> address would make the sender declare a classic queue of that
    /// name, which RabbitMQ refuses for an existing quorum queue. Sends there are mandatory (see <see cref="OutgoingMessagePolicy"/>).
    /// </summary>
    public static readonly Uri SchedulerAddress = new($"exchange:{SchedulerQueue}");

    /// <param name="roles">Each role registers its consumers or sagas, e.g. <c>services.AddConsumersRole(settings)</c>.</param>
    public static IServiceCollection AddGitLabBus(
        this IServiceCollection services,
        BusSettings settings,
        params Action<IBusRegistrationConfigurator>[] roles
    ) =>
        services
            .AddSingleton(provider => new ConfirmWatchdog(
                provider.GetRequiredService<IBusControl>(),
                // In memory a publish is never left unconfirmed by a broker.
                settings.InMemory
                    ? TimeSpan.Zero
                    : settings.ConfirmWatchdogAfter,
                provider.GetService<TimeProvider>() ?? TimeProvider.System,
                provider.GetRequiredService<ILogger<ConfirmWatchdog>>()
            ))
            .AddMassTransit(x => Configure(x, settings, roles));

    /// <summary>The registration itself, so MassTransit's test harness can run the very same bus.</summary>
    public static void Configure(IBusRegistrationConfigurator x, BusSettings settings, params Action<IBusRegistrationConfigurator>[] roles)
    {
        x.SetKebabCaseEndpointNameFormatter();

        // MassTransit reports usage to a third-party host by default: nothing leaves an installation unasked.
        x.DisableUsageTelemetry();
        x.ConfigureHealthCheckOptions(health =>
        {
            health.Tags.Add(HealthTag);
            health.Tags.Add(HealthEndpoints.ReadyTag);
        });
        foreach (var role in roles)
        {
            role(x);
        }

        x.AddConfigureEndpointsCallback(
            (context, name, endpoint) =>
            {
                if (settings.QuorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                }

                endpoint.UseConsumeFilter(typeof(RequestIdConsumeFilter<>), context);
                endpoint.UseConsumeFilter(typeof(MessageRulesConsumeFilter<>), context);

                // What still fails after the immediate retries (GitLab or Redis down for a while) comes back later,
                // through the scheduler, before it is given up to the _error queue. The scheduler's own endpoint
                // cannot schedule through itself, and invalid messages never improve with time.
                if (name != SchedulerQueue && settings.RedeliveryIntervals.Count > 0)
                {
                    void Redelivery(IRetryConfigurator redelivery)
                    {
                        redelivery.Ignore<InvalidMessageException>();
                        redelivery.Intervals([.. settings.RedeliveryIntervals]);
                    }

                    if (settings.InMemory)
                    {
                        endpoint.UseDelayedRedelivery(Redelivery);
                    }
                    else
                    {
                        endpoint.UseScheduledRedelivery(Redelivery);
                    }
                }

                endpoint.UseMessageRetry(retry =>
                {
                    retry.Ignore<InvalidMessageException>();
                    retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
                });

                // A saga instance written by another replica since it was loaded: reload and apply again, quickly and
                // often. Inside the general retry and outside the outbox, so every attempt starts with an empty outbox.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Handle<ConcurrencyException>();
                    retry.Handle<SagaException>();
                    retry.Exponential(25, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(15));
                    retry.ConnectRetryObserver(
                        new SagaConflictRetryLog(context.GetRequiredService<ILoggerFactory>().CreateLogger<SagaConflictRetryLog>())
                    );
                });
                endpoint.UseInMemoryOutbox(context);
            }
        );

        if (settings.RabbitMq is { } rabbitMq)
        {
            x.AddMessageScheduler(SchedulerAddress);
            x.UsingRabbitMq(
                (context, cfg) =>
                {
                    cfg.Host(
                        rabbitMq.Host,
                        (ushort)rabbitMq.Port,
                        rabbitMq.VirtualHost,
                        "gitlabbus",
                        host =>
                        {
                            host.Username(rabbitMq.Username);
                            host.Password(rabbitMq.Password);
                            if (rabbitMq.IsCluster)
                            {
                                // A connection goes to any node that answers and, when that node dies, to another one.
                                host.UseCluster(cluster =>
                                {
                                    foreach (var node in rabbitMq.Nodes)
                                    {
                                        cluster.Node(node.ToString());
                                    }
                                });
                            }

                            if (rabbitMq.UseTls)
                            {
                                host.UseSsl(ssl => ssl.ServerName = rabbitMq.Host);
                            }
                        }
                    );
                    cfg.UseMessageScheduler(SchedulerAddress);
                    ConfigureCommon(cfg, context);
                }
            );
        }
        else
        {
            // The in-memory transport delays messages itself; nothing to persist in embedded mode.
            x.AddDelayedMessageScheduler();
            x.UsingInMemory(
                (context, cfg) =>
                {
                    cfg.UseDelayedMessageScheduler();
                    ConfigureCommon(cfg, context);
                }
            );
        }
    }

    private static void ConfigureCommon<TEndpoint>(IBusFactoryConfigurator<TEndpoint> cfg, IBusRegistrationContext context)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        // Other systems may publish plain JSON to our exchanges; the envelope stays the default for ours.
        cfg.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
        var outgoing = new OutgoingMessagePolicy();
        cfg.ConnectPublishObserver(outgoing);
        cfg.ConnectSendObserver(outgoing);
        cfg.ConfigureEndpoints(context);
    }
}
