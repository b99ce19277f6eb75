using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.Pipelines;

/// <summary>
/// Follows one pipeline to its end. Started by <see cref="PipelineCreated"/> (we triggered it), by the first webhook
/// of a pipeline we did not trigger, or by <see cref="PipelineMonitoringRequested"/> (a downstream pipeline, another
/// system). Webhooks drive it; when they stop, it polls GitLab through the durable scheduler with a doubling interval.
/// Every downstream pipeline it sees (through polls of the bridges) gets a monitor of its own, linked to this one.
/// Once GitLab says the pipeline is final it polls once more (<c>Settling</c>) to learn every bridge's pipeline,
/// waits for them (<c>WaitingForDownstream</c>), and finishes when all of them finished,
/// publishing <see cref="PipelineFinished"/>. No final status within the maximum wait ends it as <c>timed_out</c>.
/// An organisation's pipeline (<see cref="PipelineMonitorState.OrgId"/>) is polled at its GitLab, and its hooks (through the
/// organisation's webhook endpoint) drive it as the served GitLab's do.
/// A finished monitor stays a while (<c>Finished</c>) so late or repeated webhooks are ignored rather than
/// starting it again; a retry through our API resumes it.
/// </summary>
public sealed class PipelineMonitorStateMachine : MassTransitStateMachine<PipelineMonitorState>
{
    public const string SagaName = "pipeline-monitor";

    private readonly PipelineMonitorSettings _settings;
    private readonly TimeProvider _time;

    public PipelineMonitorStateMachine(PipelineMonitorSettings settings, TimeProvider time)
    {
        (_settings, _time) = (settings, time);
        InstanceState(x => x.CurrentState);

        Event(
            () => Created,
            e => e.CorrelateById(m => PipelineCorrelation.For(m.Message.ProjectId, m.Message.PipelineId, m.Message.OrgId))
        );
        Event(
            () => MonitoringRequested,
            e => e.CorrelateById(m => PipelineCorrelation.For(m.Message.ProjectId, m.Message.PipelineId, m.Message.OrgId))
        );
        Event(
            () => StatusChanged,
            e => e.CorrelateById(m => PipelineCorrelation.For(m.Message.ProjectId, m.Message.PipelineId, m.Message.OrgId))
        );
        Event(
            () => JobChanged,
            e => e.CorrelateById(m => PipelineCorrelation.For(m.Message.ProjectId, m.Message.PipelineId, m.Message.OrgId))
        );
        Event(
            () => Polled,
            e =>
            {
                e.CorrelateById(m => PipelineCorrelation.For(m.Message.ProjectId, m.Message.PipelineId, m.Message.OrgId));
                e.OnMissingInstance(m => m.Discard());
            }
        );

        // Every monitor publishes PipelineFinished; a parent hears those of its downstream pipelines, the rest find no instance.
        Event(
            () => DownstreamFinished,
            e =>
            {
                e.CorrelateById(m =>
                    m.Message.UpstreamPipelineId is { } upstream
                        ? PipelineCorrelation.For(m.Message.UpstreamProjectId ?? m.Message.ProjectId, upstream, m.Message.OrgId)
                        : Guid.Empty
                );
                e.OnMissingInstance(m => m.Discard());
            }
        );

        Schedule(
            () => PollDue,
            x => x.PollToken,
            s =>
                s.Received = r =>
                {
                    r.CorrelateById(m => m.Message.CorrelationId);
                    r.OnMissingInstance(m => m.Discard());
                }
        );
        Schedule(
            () => MaxWait,
            x => x.MaxWaitToken,
            s =>
            {
                s.Delay = settings.MaxWait;
                s.Received = r =>
                {
                    r.CorrelateById(m => m.Message.CorrelationId);
                    r.OnMissingInstance(m => m.Discard());
                };
            }
        );
        Schedule(
            () => Expiry,
            x => x.ForgetToken,
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
            Begin(When(Created).Then(c => c.Saga.Apply(c.Message))),
            Begin(When(MonitoringRequested).Then(c => c.Saga.Apply(c.Message)).Publish(c => PollNow(c.Saga))),
            Begin(When(StatusChanged).Then(c => c.Saga.Apply(c.Message))),
            Begin(When(JobChanged).Then(c => c.Saga.Apply(c.Message)))
        );

        During(
            Monitoring,
            Settling,
            WaitingForDownstream,
            Decide(When(Created).Then(c => Observed(c.Saga, c.Saga.Apply(c.Message)))),
            Decide(When(MonitoringRequested).Then(c => Observed(c.Saga, c.Saga.Apply(c.Message)))),
            Decide(When(StatusChanged).Then(c => Observed(c.Saga, c.Saga.Apply(c.Message)))),
            Decide(When(JobChanged).Then(c => Observed(c.Saga, c.Saga.Apply(c.Message)))),
            Decide(When(DownstreamFinished).Then(c => Observed(c.Saga, c.Saga.Apply(c.Message)))),
            End(When(Polled, c => !c.Message.Found).Then(c => c.Saga.Polls++).Then(c => c.Saga.Outcome = "deleted")),
            Decide(When(Polled, c => c.Message.Found).Then(c => Observed(c.Saga, c.Saga.Apply(c.Message)))),
            When(PollDue!.Received)
                .Then(c => c.Saga.QuietPolls++)
                .Publish(c => PollNow(c.Saga))
                .Schedule(PollDue, c => new PipelinePollDue(c.Saga.CorrelationId), c => _settings.NextPoll(c.Saga.QuietPolls)),
            End(When(MaxWait!.Received).Then(c => c.Saga.Outcome = "timed_out"))
        );

        During(
            Finished,
            Ignore(Created),
            Ignore(StatusChanged),
            Ignore(JobChanged),
            Ignore(Polled),
            Ignore(DownstreamFinished),
            Ignore(PollDue.Received),
            Ignore(MaxWait.Received),
            Begin(
                When(MonitoringRequested)
                    .Then(c => c.Saga.Reopen())
                    .Then(c => c.Saga.Apply(c.Message))
                    .Unschedule(Expiry)
                    .Publish(c => PollNow(c.Saga))
            ),
            When(Expiry!.Received).Finalize()
        );

        SetCompletedWhenFinalized();
    }

    public MassTransit.State Monitoring { get; private set; } = null!;

    /// <summary>GitLab said final; one more poll tells which downstream pipelines the bridges started.</summary>
    public MassTransit.State Settling { get; private set; } = null!;

    public MassTransit.State WaitingForDownstream { get; private set; } = null!;

    /// <summary>Done and announced; kept for <see cref="PipelineMonitorSettings.KeepFinished"/> to ignore late webhooks.</summary>
    public MassTransit.State Finished { get; private set; } = null!;

    public Event<PipelineCreated> Created { get; private set; } = null!;

    public Event<PipelineMonitoringRequested> MonitoringRequested { get; private set; } = null!;

    public Event<PipelineStatusChanged> StatusChanged { get; private set; } = null!;

    public Event<JobStatusChanged> JobChanged { get; private set; } = null!;

    public Event<PipelinePolled> Polled { get; private set; } = null!;

    public Event<PipelineFinished> DownstreamFinished { get; private set; } = null!;

    public Schedule<PipelineMonitorState, PipelinePollDue> PollDue { get; private set; } = null!;

    public Schedule<PipelineMonitorState, PipelineMaxWaitReached> MaxWait { get; private set; } = null!;

    public Schedule<PipelineMonitorState, PipelineMonitorExpired> Expiry { get; private set; } = null!;

    private static PipelinePollRequested PollNow(PipelineMonitorState monitor) =>
        new()
        {
            ProjectId = monitor.ProjectId,
            PipelineId = monitor.PipelineId,
            OrgId = monitor.OrgId,
        };

    /// <summary>News resets the polling backoff.</summary>
    private static void Observed(PipelineMonitorState monitor, bool changed)
    {
        if (changed)
        {
            monitor.QuietPolls = 0;
        }
    }

    /// <summary>The end: timers off, <see cref="PipelineFinished"/> out, and a while in <c>Finished</c> before the instance goes.</summary>
    private EventActivityBinder<PipelineMonitorState, T> End<T>(EventActivityBinder<PipelineMonitorState, T> binder)
        where T : class =>
        binder
            .Then(c => c.Saga.Outcome ??= c.Saga.Status)
            .Unschedule(PollDue)
            .Unschedule(MaxWait)
            .Publish(c => c.Saga.ToFinished(_time.GetUtcNow()))
            .Schedule(Expiry, c => new PipelineMonitorExpired(c.Saga.CorrelationId))
            .TransitionTo(Finished);

    /// <summary>A monitor starting (or resuming): the maximum wait starts now, then the first decision.</summary>
    private EventActivityBinder<PipelineMonitorState, T> Begin<T>(EventActivityBinder<PipelineMonitorState, T> binder)
        where T : class => Decide(binder.Schedule(MaxWait, c => new PipelineMaxWaitReached(c.Saga.CorrelationId)).TransitionTo(Monitoring));

    /// <summary>
    /// After each observation: ask for monitors of newly seen downstream pipelines (each is followed as a pipeline of
    /// its own, linked to this one), then finish when complete; otherwise ask for the settling poll once the pipeline
    /// is final, wait for the downstream pipelines once settled, and set the next poll.
    /// </summary>
    private EventActivityBinder<PipelineMonitorState, T> Decide<T>(EventActivityBinder<PipelineMonitorState, T> binder)
        where T : class =>
        binder
            .ThenAsync(RequestDownstreamMonitorsAsync)
            .IfElse(
                c => c.Saga.IsComplete(),
                End,
                open =>
                    open.If(
                            c => PipelineObservations.IsFinal(c.Saga.Status) && !c.Saga.Settled && c.Saga.CurrentState != Settling.Name,
                            settle => settle.Publish(c => PollNow(c.Saga)).TransitionTo(Settling)
                        )
                        .If(c => c.Saga.Settled, wait => wait.TransitionTo(WaitingForDownstream))
                        .Schedule(PollDue, c => new PipelinePollDue(c.Saga.CorrelationId), c => _settings.NextPoll(c.Saga.QuietPolls))
            );

    private static async Task RequestDownstreamMonitorsAsync(BehaviorContext<PipelineMonitorState> context)
    {
        foreach (var downstream in context.Saga.Downstream.Where(d => !d.MonitorRequested))
        {
            await context.Publish(
                new PipelineMonitoringRequested
                {
                    ProjectId = downstream.ProjectId,
                    PipelineId = downstream.PipelineId,
                    UpstreamProjectId = context.Saga.ProjectId,
                    UpstreamPipelineId = context.Saga.PipelineId,
                    Reason = "downstream",
                    OrgId = context.Saga.OrgId,
                }
            );
            downstream.MonitorRequested = true;
        }
    }
}
