using System.Collections.Concurrent;
using GitLabBus.Runtime.Bus;
using GitLabBus.Tests.TestSupport;
using MassTransit;

namespace GitLabBus.Tests.Integration.Scheduling;

public sealed record Reminder(Guid Id);

/// <summary>
/// Another service on the test's vhost: schedules <see cref="Reminder"/>s through the <c>scheduler</c> queue and
/// records each one it receives, with its headers and arrival time, so tests await facts instead of sleeping.
/// </summary>
public sealed class SchedulingProbe : IAsyncDisposable
{
    public const string Queue = "test-reminders";

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ConsumeContext<Reminder>>> _arrivals = new();
    private readonly ConcurrentQueue<(Guid Id, DateTime At)> _received = new();
    private readonly IBusControl _bus;

    private SchedulingProbe(string virtualHost)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(
                TestInfrastructure.RabbitMqHost,
                (ushort)TestInfrastructure.RabbitMqPort,
                virtualHost,
                "scheduling-probe",
                host =>
                {
                    host.Username("guest");
                    host.Password("guest");
                }
            );
            cfg.ReceiveEndpoint(
                Queue,
                endpoint =>
                    endpoint.Handler<Reminder>(context =>
                    {
                        _received.Enqueue((context.Message.Id, DateTime.UtcNow));
                        Slot(context.Message.Id).TrySetResult(context);
                        return Task.CompletedTask;
                    })
            );
        });
        Scheduler = _bus.CreateMessageScheduler(BusRegistration.SchedulerAddress);
    }

    public IMessageScheduler Scheduler { get; }

    public Uri Destination => new($"queue:{Queue}");

    public IReadOnlyCollection<(Guid Id, DateTime At)> Received => _received;

    public static async Task<SchedulingProbe> StartAsync(string virtualHost)
    {
        var probe = new SchedulingProbe(virtualHost);
        await probe._bus.StartAsync();
        return probe;
    }

    public Task<ScheduledMessage<Reminder>> ScheduleAsync(Reminder reminder, TimeSpan delay, string? requestId = null) =>
        Scheduler.ScheduleSend(
            Destination,
            DateTime.UtcNow + delay,
            reminder,
            Pipe.Execute<SendContext>(context =>
            {
                if (requestId is not null)
                {
                    context.Headers.Set("X-Request-ID", requestId);
                }
            })
        );

    public async Task<ConsumeContext<Reminder>> ArrivalOf(Guid id, TimeSpan? within = null) =>
        await Slot(id).Task.WaitAsync(within ?? TimeSpan.FromSeconds(30));

    public bool HasReceived(Guid id) => _received.Any(r => r.Id == id);

    public async ValueTask DisposeAsync() => await _bus.StopAsync();

    private TaskCompletionSource<ConsumeContext<Reminder>> Slot(Guid id) =>
        _arrivals.GetOrAdd(id, _ => new TaskCompletionSource<ConsumeContext<Reminder>>(TaskCreationOptions.RunContinuationsAsynchronously));
}
