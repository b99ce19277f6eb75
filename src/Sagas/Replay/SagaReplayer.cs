using System.Text.Json;
using GitLabBus.Sagas.Journal;
using MassTransit;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Replay;

/// <summary>
/// Re-runs a saga's journal through a fresh instance of the same state machine on a private in-memory bus.
/// Each recorded message is delivered in order with its recorded id and headers; everything the saga sends,
/// publishes or schedules is captured and goes nowhere, so a replay has no side effects and can run anywhere.
/// State machines replay faithfully when they take time and ids from their messages rather than the clock.
/// </summary>
public sealed class SagaReplayer<TInstance>(string saga, SagaStateMachine<TInstance> machine)
    where TInstance : class, SagaStateMachineInstance
{
    private const string SchedulingTokenHeader = "MT-Scheduling-TokenId";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, Type> _messageTypes = machine
        .Events.Select(@event =>
            @event
                .GetType()
                .GetInterfaces()
                .FirstOrDefault(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Event<>))
        )
        .OfType<Type>()
        .Select(eventType => eventType.GetGenericArguments()[0])
        .Distinct()
        .ToDictionary(type => MessageUrn.ForTypeString(type), StringComparer.Ordinal);

    /// <param name="storedState">The instance as stored now; null when it is gone, then the journal's last record stands for it.</param>
    public async Task<SagaReplayResult> ReplayAsync(
        Guid correlationId,
        IReadOnlyList<SagaJournalEntry> journal,
        JsonElement? storedState,
        CancellationToken cancellationToken
    )
    {
        var capture = new ReplayCapture();
        var replayed = new RecordingJournal(correlationId);
        var steps = new StepObserver();
        var queue = $"saga-replay-{saga}";
        IBusControl? bus = null;
        bus = Bus.Factory.CreateUsingInMemory(cfg =>
        {
            cfg.ConfigureSend(send => send.UseFilter(new CapturingSendFilter(capture)));
            cfg.ConfigurePublish(publish => publish.UseFilter(new CapturingPublishFilter(capture)));
            cfg.ReceiveEndpoint(
                queue,
                endpoint =>
                {
                    endpoint.UseFilter(new CapturingSchedulerFilter(capture, () => bus!.Topology));
                    endpoint.StateMachineSaga(
                        machine,
                        new InMemorySagaRepository<TInstance>(),
                        sagaConfigurator =>
                            sagaConfigurator.UseFilter(new SagaJournalFilter<TInstance>(saga, machine, replayed, TimeProvider.System))
                    );
                }
            );
        });
        bus.ConnectReceiveObserver(steps);

        await bus.StartAsync(cancellationToken);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
            var comparison = new InstanceComparison();
            var transitions = new List<ReplayedTransition>();
            foreach (var recorded in journal)
            {
                transitions.Add(await ReplayStepAsync(endpoint, recorded, replayed, steps, capture, comparison, cancellationToken));
            }

            var endState = replayed.Entries.LastOrDefault()?.InstanceAfter;
            var stored = storedState ?? journal.LastOrDefault()?.InstanceAfter;
            var differences = comparison.Differences(endState, stored);
            return new SagaReplayResult(saga, correlationId, transitions, differences.Count == 0, endState, stored, differences);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private async Task<ReplayedTransition> ReplayStepAsync(
        ISendEndpoint endpoint,
        SagaJournalEntry recorded,
        RecordingJournal replayed,
        StepObserver steps,
        ReplayCapture capture,
        InstanceComparison comparison,
        CancellationToken cancellationToken
    )
    {
        var appliedBefore = replayed.Entries.Count;
        string? fault;
        if (!_messageTypes.TryGetValue(recorded.MessageType, out var messageType))
        {
            fault = $"{recorded.MessageName} is not an event of this state machine";
        }
        else
        {
            var message = recorded.Message.Deserialize(messageType, SystemTextJsonMessageSerializer.Options)!;
            var messageId = recorded.MessageId ?? NewId.NextGuid();
            var step = steps.Expect(messageId);
            await capture.DeliverAsync(() =>
                endpoint.Send(
                    message,
                    messageType,
                    Pipe.Execute<SendContext>(send => Restore(send, recorded, messageId, comparison)),
                    cancellationToken
                )
            );
            fault = await step.WaitAsync(StepTimeout, cancellationToken)
                .ContinueWith(
                    waited => waited.IsCompletedSuccessfully ? waited.Result : $"not consumed within {StepTimeout.TotalSeconds:0} s",
                    TaskScheduler.Default
                );
        }

        var applied = replayed.Entries.Count > appliedBefore ? replayed.Entries[^1] : null;
        comparison.LearnTokens(applied?.InstanceAfter, recorded.InstanceAfter, capture.Issued);
        var matches = applied is not null && comparison.Differences(applied.InstanceAfter, recorded.InstanceAfter).Count == 0;
        return new ReplayedTransition(
            recorded.Sequence,
            recorded.ConsumedAt,
            recorded.MessageName,
            recorded.MessageId,
            applied?.StateBefore ?? recorded.StateBefore,
            applied?.StateAfter,
            recorded.StateAfter,
            matches,
            capture.TakeCaptured(),
            applied is null ? fault ?? "the saga did not apply the message" : null
        );
    }

    private static void Restore(SendContext send, SagaJournalEntry recorded, Guid messageId, InstanceComparison comparison)
    {
        foreach (var (name, value) in recorded.Headers)
        {
            send.Headers.Set(
                name,
                name.Equals(SchedulingTokenHeader, StringComparison.OrdinalIgnoreCase) ? comparison.ReplayedTokenFor(value) ?? value : value
            );
        }

        send.MessageId = messageId;
    }

    /// <summary>
    /// The replayed instance's journal, kept in order in memory. Only that instance's entries count: a saga that starts
    /// others (a monitor asking for its downstream pipelines' monitors) must not have their entries taken for its own.
    /// </summary>
    private sealed class RecordingJournal(Guid correlationId) : ISagaJournal
    {
        private readonly List<SagaJournalEntry> _entries = [];

        public IReadOnlyList<SagaJournalEntry> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public Task AppendAsync(string saga, Guid instance, SagaJournalEntry entry, CancellationToken cancellationToken)
        {
            if (instance != correlationId)
            {
                return Task.CompletedTask;
            }

            lock (_entries)
            {
                _entries.Add(entry);
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SagaJournalEntry>> ReadAsync(string saga, Guid correlationId, CancellationToken cancellationToken) =>
            Task.FromResult(Entries);
    }

    /// <summary>Knows when the one message in flight has been received, applied or refused, and why it was refused.</summary>
    private sealed class StepObserver : IReceiveObserver
    {
        private TaskCompletionSource<string?> _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _fault;

        private Guid? _expected;

        /// <summary>The step of <paramref name="messageId"/>: messages of other instances on the private bus do not end it.</summary>
        public Task<string?> Expect(Guid messageId)
        {
            _expected = messageId;
            _fault = null;
            _current = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _current.Task;
        }

        public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostReceive(ReceiveContext context)
        {
            if (context.GetMessageId() is { } received && received != _expected)
            {
                return Task.CompletedTask;
            }

            _current.TrySetResult(_fault ?? (context.IsDelivered ? null : "no saga instance took the message"));
            return Task.CompletedTask;
        }

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
            where T : class
        {
            _fault = $"{exception.GetType().Name}: {exception.Message}";
            return Task.CompletedTask;
        }

        public Task ReceiveFault(ReceiveContext context, Exception exception)
        {
            _current.TrySetResult(_fault ?? $"{exception.GetType().Name}: {exception.Message}");
            return Task.CompletedTask;
        }
    }
}
