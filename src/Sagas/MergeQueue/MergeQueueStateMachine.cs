using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// The merge queue of one (project, target branch): admitted merge requests wait in landing order, batches of them are
/// started (each a <c>merge-batch</c> saga, stacked on the one ahead), and the batches' news (built, tested, finished)
/// decide what lands, what is bisected and who is struck. The decisions are the instance's (<see cref="MergeQueueState"/>);
/// this machine only routes messages to them and publishes what they return.
/// </summary>
public sealed class MergeQueueStateMachine : MassTransitStateMachine<MergeQueueState>
{
    public const string SagaName = "merge-queue";

    public MergeQueueStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(
            () => Admitted,
            e => e.CorrelateById(m => MergeQueueCorrelation.Queue(m.Message.ProjectId, m.Message.TargetBranch, m.Message.OrgId))
        );
        Event(
            () => NotAdmitted,
            e =>
            {
                e.CorrelateById(m =>
                    m.Message.TargetBranch is { } target
                        ? MergeQueueCorrelation.Queue(m.Message.ProjectId, target, m.Message.OrgId)
                        : Guid.Empty
                );
                e.OnMissingInstance(m => m.Discard());
            }
        );
        Event(() => SettingsChanged, e => Existing(e, m => MergeQueueCorrelation.Queue(m.ProjectId, m.TargetBranch, m.OrgId)));
        Event(() => Removal, e => Existing(e, m => MergeQueueCorrelation.Queue(m.ProjectId, m.TargetBranch, m.OrgId)));
        Event(() => PriorityChange, e => Existing(e, m => MergeQueueCorrelation.Queue(m.ProjectId, m.TargetBranch, m.OrgId)));
        Event(() => BatchTesting, e => Existing(e, m => m.QueueId));
        Event(() => BatchTested, e => Existing(e, m => m.QueueId));
        Event(() => BatchFinished, e => Existing(e, m => m.QueueId));

        Initially(When(Admitted).ThenAsync(c => SendAsync(c, c.Saga.Admit(c.Message))).TransitionTo(Running));

        During(
            Running,
            When(Admitted).ThenAsync(c => SendAsync(c, c.Saga.Admit(c.Message))),
            When(NotAdmitted).ThenAsync(c => SendAsync(c, c.Saga.Refuse(c.Message))),
            When(SettingsChanged).ThenAsync(c => SendAsync(c, c.Saga.Configure(c.Message))),
            When(Removal).ThenAsync(c => SendAsync(c, c.Saga.Remove(c.Message))),
            When(PriorityChange).ThenAsync(c => SendAsync(c, c.Saga.Reprioritise(c.Message))),
            When(BatchTesting).ThenAsync(c => SendAsync(c, c.Saga.OnTesting(c.Message))),
            When(BatchTested).ThenAsync(c => SendAsync(c, c.Saga.OnTested(c.Message))),
            When(BatchFinished).ThenAsync(c => SendAsync(c, c.Saga.OnFinished(c.Message)))
        );
    }

    /// <summary>The queue is never finished: it keeps its history and its batch numbers.</summary>
    public MassTransit.State Running { get; private set; } = null!;

    public Event<MrAdmitted> Admitted { get; private set; } = null!;

    public Event<MrNotAdmitted> NotAdmitted { get; private set; } = null!;

    public Event<MergeQueueSettingsChanged> SettingsChanged { get; private set; } = null!;

    public Event<MrRemovalRequested> Removal { get; private set; } = null!;

    public Event<MrPriorityChangeRequested> PriorityChange { get; private set; } = null!;

    public Event<MergeBatchTesting> BatchTesting { get; private set; } = null!;

    public Event<MergeBatchTested> BatchTested { get; private set; } = null!;

    public Event<MergeBatchFinished> BatchFinished { get; private set; } = null!;

    /// <summary>
    /// Publishes what a decision returned, each as its own type; a batch's start goes with the <c>merge-batch</c> saga's start
    /// request. Published after the instance changed and before it is saved: a crash in between repeats the message, and the
    /// batch steps and the queue's notices are idempotent.
    /// </summary>
    private static async Task SendAsync(BehaviorContext<MergeQueueState> context, IReadOnlyList<object> messages)
    {
        foreach (var message in messages)
        {
            await context.Publish(message, message.GetType());
            if (message is MergeBatchStarted started)
            {
                await context.Publish(context.Saga.StartRequest(started));
            }
        }
    }

    private static void Existing<T>(IEventCorrelationConfigurator<MergeQueueState, T> e, Func<T, Guid> queueOf)
        where T : class
    {
        e.CorrelateById(m => queueOf(m.Message));
        e.OnMissingInstance(m => m.Discard());
    }
}
