using System.Collections.Concurrent;
using GitLabBus.Contracts;
using GitLabBus.Tests.TestSupport;
using MassTransit;

namespace GitLabBus.Tests.Integration;

/// <summary>
/// A separate bus on the test's vhost that subscribes to every typed webhook event (by delivery) and to the end of
/// every backlog apply (by operation), so a test can await the event it expects instead of sleeping.
/// </summary>
public sealed class EventProbe : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ConsumeContext>> _deliveries = new();
    private readonly IBusControl _bus;

    private EventProbe(string virtualHost)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(
                TestInfrastructure.RabbitMqHost,
                (ushort)TestInfrastructure.RabbitMqPort,
                virtualHost,
                "probe",
                host =>
                {
                    host.Username("guest");
                    host.Password("guest");
                }
            );
            cfg.ReceiveEndpoint(
                "test-event-probe",
                endpoint =>
                {
                    endpoint.Handler<MergeRequestChanged>(c => Record(c, c.Message.DeliveryId));
                    endpoint.Handler<NoteAdded>(c => Record(c, c.Message.DeliveryId));
                    endpoint.Handler<PipelineStatusChanged>(c => Record(c, c.Message.DeliveryId));
                    endpoint.Handler<JobStatusChanged>(c => Record(c, c.Message.DeliveryId));
                    endpoint.Handler<IssueChanged>(c => Record(c, c.Message.DeliveryId));
                    endpoint.Handler<PushReceived>(c => Record(c, c.Message.DeliveryId));
                    endpoint.Handler<BacklogApplied>(c => Record(c, Guid.Parse(c.Message.OperationId)));
                    endpoint.Handler<BacklogApplyFailed>(c => Record(c, Guid.Parse(c.Message.OperationId)));
                }
            );
        });
    }

    public static async Task<EventProbe> StartAsync(string virtualHost)
    {
        var probe = new EventProbe(virtualHost);
        await probe._bus.StartAsync();
        return probe;
    }

    /// <summary>The event published for <paramref name="deliveryId"/> (or operation), or a failure after
    /// <paramref name="within"/>.</summary>
    public async Task<ConsumeContext> EventFor(Guid deliveryId, TimeSpan? within = null) =>
        await Slot(deliveryId).Task.WaitAsync(within ?? TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync() => await _bus.StopAsync();

    private Task Record(ConsumeContext context, Guid deliveryId)
    {
        Slot(deliveryId).TrySetResult(context);
        return Task.CompletedTask;
    }

    private TaskCompletionSource<ConsumeContext> Slot(Guid deliveryId) =>
        _deliveries.GetOrAdd(deliveryId, _ => new TaskCompletionSource<ConsumeContext>(TaskCreationOptions.RunContinuationsAsynchronously));
}
