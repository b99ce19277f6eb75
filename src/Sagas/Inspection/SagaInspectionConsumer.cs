using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Sagas.Journal;
using MassTransit;

namespace GitLabBus.Sagas.Inspection;

/// <summary>
/// The sagas' inspection API: the gateway's <c>/sagas</c> endpoints ask here, so only the sagas role knows the state
/// machines, their instances and their journals. Replays run here too, on this role's own state machines.
/// </summary>
public sealed class SagaInspectionConsumer(SagaInspector inspector)
    : IConsumer<SagaNamesQuery>,
        IConsumer<SagaStateQuery>,
        IConsumer<SagaJournalQuery>,
        IConsumer<SagaReplayRequested>
{
    public Task Consume(ConsumeContext<SagaNamesQuery> context) => context.RespondAsync(new SagaNames(inspector.Names));

    public Task Consume(ConsumeContext<SagaStateQuery> context) =>
        AnswerAsync(
            context,
            context.Message.Saga,
            context.Message.CorrelationId,
            async () => await inspector.GetStateAsync(context.Message.Saga, context.Message.CorrelationId, context.CancellationToken)
        );

    public Task Consume(ConsumeContext<SagaJournalQuery> context) =>
        AnswerAsync(
            context,
            context.Message.Saga,
            context.Message.CorrelationId,
            async () =>
            {
                var (saga, id) = (context.Message.Saga, context.Message.CorrelationId);
                var entries = await inspector.GetJournalAsync(saga, id, context.CancellationToken);
                return entries.Count == 0 ? null : new SagaJournal(saga, id, entries);
            }
        );

    public Task Consume(ConsumeContext<SagaReplayRequested> context) =>
        AnswerAsync(
            context,
            context.Message.Saga,
            context.Message.CorrelationId,
            async () => await inspector.ReplayAsync(context.Message.Saga, context.Message.CorrelationId, context.CancellationToken)
        );

    private async Task AnswerAsync<T>(ConsumeContext<T> context, string saga, Guid correlationId, Func<Task<object?>> read)
        where T : class
    {
        if (!inspector.Knows(saga))
        {
            await context.RespondAsync(
                new RequestRefused(
                    ErrorCodes.NotFound,
                    $"no saga named '{Shorten(saga)}'",
                    null,
                    JsonSerializer.SerializeToElement(new { sagas = inspector.Names })
                )
            );
            return;
        }

        await context.RespondAsync(
            await read() is { } found
                ? new SagaInspected(JsonSerializer.SerializeToElement(found, found.GetType(), SagaJournalJson.Options))
                : NoInstance(saga, correlationId)
        );
    }

    public static RequestRefused NoInstance(string saga, Guid correlationId) =>
        new(ErrorCodes.NotFound, $"no {saga} saga {correlationId}: never started, or its journal has expired", null);

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private sealed record SagaJournal(string Saga, Guid CorrelationId, IReadOnlyList<SagaJournalEntry> Entries);
}
