using MassTransit;

namespace GitLabBus.Sagas.Journal;

/// <summary>
/// Reads an instance's state name without a behaviour context, through the state machine's own accessor
/// (<see cref="IStateAccessor{TInstance}.GetStateExpression"/>), so any state property type works.
/// </summary>
public sealed class StateNames<TInstance>(SagaStateMachine<TInstance> machine)
    where TInstance : class, SagaStateMachineInstance
{
    private readonly (string Name, Func<TInstance, bool> Holds)[] _states =
    [
        .. machine.States.Select(state => (state.Name, machine.Accessor.GetStateExpression(state).Compile())),
    ];

    /// <summary>A new instance, whose state property is still unset, is in Initial.</summary>
    public string Of(TInstance instance) => _states.FirstOrDefault(state => state.Holds(instance)).Name ?? machine.Initial.Name;
}
