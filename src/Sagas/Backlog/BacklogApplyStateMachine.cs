using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.Backlog;

/// <summary>
/// Applies a backlog in two steps, each done by the <c>backlog-apply-items</c> consumer: the epics, then the issues
/// (which may link to epics the first step created). Ends with <see cref="BacklogApplied"/> or <see cref="BacklogApplyFailed"/>,
/// then stays <c>Finished</c> for <see cref="BacklogApplySagaSettings.KeepFinished"/>.
/// A message that arrives again in the state its first delivery led to asks again for what that delivery asked
/// (the next step, or the outcome): the consumer's steps and the outcome's recording are idempotent, and a crash
/// between this saga's save and its publish then loses nothing.
/// </summary>
public sealed class BacklogApplyStateMachine : MassTransitStateMachine<BacklogApplyState>
{
    public const string SagaName = "backlog-apply";

    // Where a message whose operation id is not a GUID would correlate; the bus's message rules stop it before the saga.
    private static readonly Guid Unparseable = new("00000000-0000-0000-0000-0000000000ba");

    public BacklogApplyStateMachine(BacklogApplySagaSettings settings)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Requested, e => e.CorrelateById(m => Correlation(m.Message.OperationId)));
        Event(
            () => StepApplied,
            e =>
            {
                e.CorrelateById(m => Correlation(m.Message.OperationId));
                e.OnMissingInstance(m => m.Discard());
            }
        );
        Event(
            () => StepFaulted,
            e =>
            {
                e.CorrelateById(m => Correlation(m.Message.Message.OperationId));
                e.OnMissingInstance(m => m.Discard());
            }
        );
        Schedule(
            () => Expiry,
            x => x.ExpiryToken,
            s =>
            {
                s.Delay = settings.KeepFinished;
                s.Received = r =>
                {
                    r.CorrelateById(m => m.Message.CorrelationId);
                    r.OnMissingInstance(m => m.Discard());
                };
            }
        );

        Initially(
            When(Requested).Then(c => c.Saga.Start(c.Message)).Publish(c => c.Saga.EpicsStep(c.Message.Epics)).TransitionTo(ApplyingEpics)
        );

        // One binding per event and state; its branches exclude one another by construction.
        During(
            ApplyingEpics,
            When(Requested).Publish(c => c.Saga.EpicsStep(c.Message.Epics)),
            When(StepApplied)
                .IfElse(
                    c => c.Message.Earlier is not null,
                    reused => End(reused.Then(c => c.Saga.Reuse(c.Message.Earlier!))),
                    ran =>
                        ran.IfElse(
                            c => c.Message.Failure is not null,
                            failed => End(failed.Then(c => c.Saga.Fail(c.Message.Failure!))),
                            applied =>
                                applied.If(
                                    c => IsEpics(c.Message),
                                    epics =>
                                        epics
                                            .Then(c => c.Saga.Record(c.Message))
                                            .Publish(c => c.Saga.IssuesStep())
                                            .TransitionTo(ApplyingIssues)
                                )
                        )
                ),
            When(StepFaulted)
                .If(
                    c => c.Message.Message.Scope == BacklogApplyRules.EpicScope,
                    faulted => End(faulted.Then(c => c.Saga.Fail(StepFault(c.Message))))
                )
        );

        During(
            ApplyingIssues,
            When(Requested).Publish(c => c.Saga.IssuesStep()),
            When(StepApplied)
                .IfElse(
                    c => IsEpics(c.Message),
                    repeatedEpics => repeatedEpics.Publish(c => c.Saga.IssuesStep()),
                    issues =>
                        issues.IfElse(
                            c => c.Message.Failure is not null,
                            failed => End(failed.Then(c => c.Saga.Fail(c.Message.Failure!))),
                            applied => End(applied.Then(c => c.Saga.Record(c.Message)))
                        )
                ),
            // A repeated epics step that gave up after the first one answered changes nothing.
            When(StepFaulted)
                .If(
                    c => c.Message.Message.Scope == BacklogApplyRules.IssueScope,
                    faulted => End(faulted.Then(c => c.Saga.Fail(StepFault(c.Message))))
                )
        );

        During(
            Finished,
            When(Requested).ThenAsync(AnnounceAsync),
            When(StepApplied).ThenAsync(AnnounceAsync),
            Ignore(StepFaulted),
            When(Expiry!.Received).Finalize()
        );

        SetCompletedWhenFinalized();
    }

    public MassTransit.State ApplyingEpics { get; private set; } = null!;

    public MassTransit.State ApplyingIssues { get; private set; } = null!;

    /// <summary>Applied or failed, and announced; kept to answer the same messages again.</summary>
    public MassTransit.State Finished { get; private set; } = null!;

    public Event<BacklogApplyRequested> Requested { get; private set; } = null!;

    public Event<BacklogItemsApplied> StepApplied { get; private set; } = null!;

    /// <summary>A step given up after every retry and redelivery (GitLab unreachable for long, the prompt held elsewhere).</summary>
    public Event<Fault<BacklogItemsApplyRequested>> StepFaulted { get; private set; } = null!;

    public Schedule<BacklogApplyState, BacklogApplyExpired> Expiry { get; private set; } = null!;

    public static Guid Correlation(string operationId) => Guid.TryParse(operationId, out var id) ? id : Unparseable;

    private static bool IsEpics(BacklogItemsApplied step) => step.Scope == BacklogApplyRules.EpicScope;

    private static BacklogApplyFailure StepFault(Fault<BacklogItemsApplyRequested> fault)
    {
        var reason = fault.Exceptions.FirstOrDefault();
        return reason is not null && reason.ExceptionType == typeof(BacklogApplyBusyException).FullName
            ? new BacklogApplyFailure(ErrorCodes.Conflict, reason.Message, null)
            : new BacklogApplyFailure(
                ErrorCodes.GitLabUnavailable,
                $"the {fault.Message.Scope}s could not be applied after every retry: {reason?.Message}",
                null
            );
    }

    /// <summary>The end: the outcome out, and a while in <c>Finished</c> before the instance goes.</summary>
    private EventActivityBinder<BacklogApplyState, T> End<T>(EventActivityBinder<BacklogApplyState, T> binder)
        where T : class =>
        binder.ThenAsync(AnnounceAsync).Schedule(Expiry, c => new BacklogApplyExpired(c.Saga.CorrelationId)).TransitionTo(Finished);

    private static Task AnnounceAsync<T>(BehaviorContext<BacklogApplyState, T> context)
        where T : class =>
        context.Saga.Failure is { } failure ? context.Publish(context.Saga.ToFailed(failure)) : context.Publish(context.Saga.ToApplied());
}
