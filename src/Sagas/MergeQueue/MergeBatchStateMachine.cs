using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// One batch of a merge queue: built and its pipeline started by the <c>merge-batch-steps</c> consumer, tested (the
/// pipeline monitor's <see cref="PipelineFinished"/> on the batch's branch, or a timeout), judged by the queue, landed or
/// discarded, cleaned up, then ended with <see cref="MergeBatchFinished"/>. The queue hears of it as it goes
/// (<see cref="MergeBatchTesting"/>, <see cref="MergeBatchTested"/>) and decides; the batch never lands what its pipeline
/// did not pass. A message that arrives again in the state it led to asks again for what it asked: the steps are
/// idempotent, so a crash between this saga's save and its publish loses nothing.
/// </summary>
public sealed class MergeBatchStateMachine : MassTransitStateMachine<MergeBatchState>
{
    public const string SagaName = "merge-batch";

    public MergeBatchStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, e => e.CorrelateById(m => m.Message.BatchId));
        Event(() => Built, e => Answer(e, m => m.BatchId));
        Event(() => Verdict, e => Answer(e, m => m.BatchId));
        Event(() => Landed, e => Answer(e, m => m.BatchId));
        Event(() => CleanedUp, e => Answer(e, m => m.BatchId));
        // Every finished pipeline comes by; only one on a batch's branch finds an instance.
        Event(
            () => PipelineEnded,
            e =>
            {
                e.CorrelateById(m => MergeQueueCorrelation.BatchOf(m.Message.ProjectId, m.Message.Ref, m.Message.OrgId) ?? Guid.Empty);
                e.OnMissingInstance(m => m.Discard());
            }
        );
        Schedule(
            () => PipelineTimeout,
            x => x.TimeoutToken,
            s =>
            {
                s.Received = r =>
                {
                    r.CorrelateById(m => m.Message.CorrelationId);
                    r.OnMissingInstance(m => m.Discard());
                };
            }
        );

        Initially(When(Started).Then(c => c.Saga.Start(c.Message)).Publish(c => c.Saga.BuildStep()).TransitionTo(Building));

        During(
            Building,
            When(Started).Publish(c => c.Saga.BuildStep()),
            // The queue gave up on it while it was built (a batch ahead failed, a member was removed): cleaned up once built.
            When(Verdict).If(c => !c.Message.Land, discarded => discarded.Then(c => c.Saga.Discarded = true)),
            // A quick pipeline can end before the answer that started it arrives: kept until that answer names it.
            When(PipelineEnded).Then(c => c.Saga.EarlyEnd = c.Message),
            When(Built)
                .Publish(c => c.Saga.Record(c.Message))
                .IfElse(
                    c => c.Saga.Discarded,
                    discarded => discarded.Publish(c => c.Saga.CleanUpStep()).TransitionTo(CleaningUp),
                    kept =>
                        kept.IfElse(
                            c => c.Saga.PipelineId is null,
                            notBuilt =>
                                notBuilt
                                    .Publish(c => c.Saga.Tested("not_built", []))
                                    .Publish(c => c.Saga.CleanUpStep())
                                    .TransitionTo(CleaningUp),
                            started =>
                                started.IfElse(
                                    c => c.Saga.EarlyEnd is { } ended && ended.PipelineId == c.Saga.PipelineId,
                                    ended =>
                                        ended
                                            .Publish(c =>
                                                c.Saga.Tested(c.Saga.EarlyEnd!.Status, c.Saga.EarlyEnd.Jobs, c.Saga.EarlyEnd.FinishedAt)
                                            )
                                            .TransitionTo(AwaitingVerdict),
                                    testing =>
                                        testing
                                            .Schedule(
                                                PipelineTimeout,
                                                c => new MergeBatchPipelineTimedOut(c.Saga.CorrelationId),
                                                c => TimeSpan.FromSeconds(Math.Max(1, c.Saga.PipelineTimeoutSeconds))
                                            )
                                            .TransitionTo(Testing)
                                )
                        )
                )
        );

        During(
            Testing,
            Ignore(Started),
            Ignore(Built),
            When(PipelineEnded)
                .If(
                    c => c.Message.PipelineId == c.Saga.PipelineId,
                    ended =>
                        ended
                            .Unschedule(PipelineTimeout)
                            .Publish(c => c.Saga.Tested(c.Message.Status, c.Message.Jobs, c.Message.FinishedAt))
                            .TransitionTo(AwaitingVerdict)
                ),
            When(PipelineTimeout.Received).Publish(c => c.Saga.Tested("timed_out", [])).TransitionTo(AwaitingVerdict),
            // The queue may give up on a batch still testing (the target moved, a batch ahead failed): it is discarded.
            When(Verdict)
                .If(
                    c => !c.Message.Land,
                    discarded => discarded.Unschedule(PipelineTimeout).Publish(c => c.Saga.CleanUpStep()).TransitionTo(CleaningUp)
                )
        );

        During(
            AwaitingVerdict,
            Ignore(Started),
            Ignore(Built),
            Ignore(PipelineEnded),
            Ignore(PipelineTimeout.Received),
            When(Verdict)
                .IfElse(
                    c => c.Message.Land && c.Saga.TestStatus == "success",
                    land => land.Publish(c => c.Saga.LandStep()).TransitionTo(Landing),
                    discard => discard.Publish(c => c.Saga.CleanUpStep()).TransitionTo(CleaningUp)
                )
        );

        During(
            Landing,
            Ignore(Started),
            Ignore(Built),
            Ignore(PipelineEnded),
            Ignore(PipelineTimeout.Received),
            When(Verdict).If(c => c.Message.Land, again => again.Publish(c => c.Saga.LandStep())),
            When(Landed).Then(c => c.Saga.Record(c.Message)).Publish(c => c.Saga.CleanUpStep()).TransitionTo(CleaningUp)
        );

        During(
            CleaningUp,
            Ignore(Started),
            Ignore(Built),
            Ignore(PipelineEnded),
            Ignore(PipelineTimeout.Received),
            Ignore(Verdict),
            Ignore(Landed),
            When(CleanedUp).Publish(c => c.Saga.Finished(c.Message)).Finalize()
        );

        SetCompletedWhenFinalized();
    }

    public MassTransit.State Building { get; private set; } = null!;

    public MassTransit.State Testing { get; private set; } = null!;

    /// <summary>Tested; the queue decides whether it lands.</summary>
    public MassTransit.State AwaitingVerdict { get; private set; } = null!;

    public MassTransit.State Landing { get; private set; } = null!;

    public MassTransit.State CleaningUp { get; private set; } = null!;

    public Event<MergeBatchStartRequested> Started { get; private set; } = null!;

    public Event<MergeBatchBuilt> Built { get; private set; } = null!;

    public Event<PipelineFinished> PipelineEnded { get; private set; } = null!;

    public Event<MergeBatchVerdictGiven> Verdict { get; private set; } = null!;

    public Event<MergeBatchLanded> Landed { get; private set; } = null!;

    public Event<MergeBatchCleanedUp> CleanedUp { get; private set; } = null!;

    public Schedule<MergeBatchState, MergeBatchPipelineTimedOut> PipelineTimeout { get; private set; } = null!;

    private static void Answer<T>(IEventCorrelationConfigurator<MergeBatchState, T> e, Func<T, Guid> batchOf)
        where T : class
    {
        e.CorrelateById(m => batchOf(m.Message));
        e.OnMissingInstance(m => m.Discard());
    }
}
