using MassTransit;

namespace GitLabBus.Tests.TestSupport.Sagas;

public sealed record WatchStarted(Guid CorrelationId);

public sealed record WatchExpired(Guid CorrelationId);

public sealed class ExpiryState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public Guid? ExpiryToken { get; set; }
}

/// <summary>A saga that schedules its own timeout: it only expires if the scheduled event comes back with its token.</summary>
public sealed class ExpiryStateMachine : MassTransitStateMachine<ExpiryState>
{
    public ExpiryStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Started, e => e.CorrelateById(m => m.Message.CorrelationId));
        Schedule(
            () => Expiry,
            x => x.ExpiryToken,
            s =>
            {
                s.Delay = TimeSpan.FromSeconds(1);
                s.Received = r => r.CorrelateById(m => m.Message.CorrelationId);
            }
        );

        Initially(When(Started).Schedule(Expiry, context => new WatchExpired(context.Saga.CorrelationId)).TransitionTo(Watching));
        During(Watching, When(Expiry!.Received).TransitionTo(Expired));
    }

    public MassTransit.State Watching { get; private set; } = null!;

    public MassTransit.State Expired { get; private set; } = null!;

    public Event<WatchStarted> Started { get; private set; } = null!;

    public Schedule<ExpiryState, WatchExpired> Expiry { get; private set; } = null!;
}
