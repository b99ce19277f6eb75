using System.Collections.Concurrent;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using MassTransit;

namespace GitLabBus.Tests.Sagas.Backlog;

/// <summary>
/// Stands in for the apply consumer in saga specifications: records every step asked for and answers it as the test
/// scripted (by default: every item created, with ids 100, 101, ... for epics and 200, 201, ... for issues).
/// </summary>
public sealed class ScriptedSteps
{
    public ConcurrentQueue<BacklogItemsApplyRequested> Asked { get; } = new();

    public Func<BacklogItemsApplyRequested, BacklogItemsApplied> Answer { get; set; } = Created;

    /// <summary>When set, answers wait for it: a step still running (only steps of <see cref="HeldScope"/>, when that is set).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public string? HeldScope { get; set; }

    public static BacklogItemsApplied Created(BacklogItemsApplyRequested step)
    {
        var (count, firstId) = step.Scope == "epic" ? (step.Epics.Count, 100) : (step.Issues.Count, 200);
        return new BacklogItemsApplied
        {
            OperationId = step.OperationId,
            Scope = step.Scope,
            Results =
            [
                .. Enumerable
                    .Range(0, count)
                    .Select(i => new BacklogItemResult(i, "created", $"{firstId + i}", $"http://gitlab/{step.Scope}s/{firstId + i}")),
            ],
        };
    }
}

public sealed class ScriptedStepConsumer(ScriptedSteps steps) : IConsumer<BacklogItemsApplyRequested>
{
    public async Task Consume(ConsumeContext<BacklogItemsApplyRequested> context)
    {
        steps.Asked.Enqueue(context.Message);
        if (steps.Hold is { } hold && (steps.HeldScope is null || steps.HeldScope == context.Message.Scope))
        {
            await hold.Task;
        }

        if (context.Message.Scope == "fault")
        {
            throw new InvalidMessageException("scripted fault");
        }

        await context.Publish(steps.Answer(context.Message));
    }
}
