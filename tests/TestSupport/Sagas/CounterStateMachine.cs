using MassTransit;

namespace GitLabBus.Tests.TestSupport.Sagas;

public sealed record CounterIncremented(Guid CorrelationId, int Sequence);

public sealed record CounterClosed(Guid CorrelationId);

public sealed record CounterFinished(Guid CorrelationId, int Count);

public sealed class CounterState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public int Count { get; set; }
    public long SequenceSum { get; set; }
}

/// <summary>A saga whose end state shows whether every event was applied exactly once.</summary>
public sealed class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Incremented, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Closed, e => e.CorrelateById(m => m.Message.CorrelationId));

        Initially(When(Incremented).Then(Count).TransitionTo(Counting));
        During(
            Counting,
            When(Incremented).Then(Count),
            When(Closed).Publish(context => new CounterFinished(context.Saga.CorrelationId, context.Saga.Count)).Finalize()
        );
        SetCompletedWhenFinalized();
    }

    public MassTransit.State Counting { get; private set; } = null!;

    public Event<CounterIncremented> Incremented { get; private set; } = null!;

    public Event<CounterClosed> Closed { get; private set; } = null!;

    private static void Count(BehaviorContext<CounterState, CounterIncremented> context)
    {
        context.Saga.Count++;
        context.Saga.SequenceSum += context.Message.Sequence;
    }
}
