using MassTransit;

namespace GitLabBus.Sagas.Journal;

/// <summary>
/// Around every message a saga instance consumes: notes the instance before, lets the state machine run, and
/// records the entry — handed to the repository to commit with the instance when it can (Redis), appended
/// directly otherwise. A message whose consume fails leaves no entry: it is retried, and journalled when it succeeds.
/// </summary>
public sealed class SagaJournalFilter<TInstance>(string saga, SagaStateMachine<TInstance> machine, ISagaJournal journal, TimeProvider time)
    : IFilter<SagaConsumeContext<TInstance>>
    where TInstance : class, SagaStateMachineInstance
{
    private readonly StateNames<TInstance> _states = new(machine);

    public async Task Send(SagaConsumeContext<TInstance> context, IPipe<SagaConsumeContext<TInstance>> next)
    {
        var stateBefore = _states.Of(context.Saga);
        var instanceBefore =
            stateBefore == machine.Initial.Name ? (System.Text.Json.JsonElement?)null : ConsumedMessage.Snapshot(context.Saga);

        await next.Send(context);

        var (messageType, body) = ConsumedMessage.Of(context);
        var entry = new SagaJournalEntry(
            time.GetUtcNow(),
            messageType,
            context.MessageId,
            stateBefore,
            _states.Of(context.Saga),
            context.IsCompleted,
            instanceBefore,
            ConsumedMessage.Snapshot(context.Saga),
            body,
            ConsumedMessage.Headers(context)
        );

        if (context.TryGetPayload<PendingJournalEntry>(out var pending) && pending.TravelsWithInstanceWrite(context.IsCompleted))
        {
            pending.Entry = entry;
        }
        else
        {
            await journal.AppendAsync(saga, context.Saga.CorrelationId, entry, context.CancellationToken);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("sagaJournal").Add("saga", saga);
}
