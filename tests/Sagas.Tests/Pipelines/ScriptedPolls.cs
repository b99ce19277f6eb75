using System.Collections.Concurrent;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Tests.Sagas.Pipelines;

/// <summary>
/// Stands in for the poll consumer in saga specifications: answers <see cref="PipelinePollRequested"/> with what
/// the test scripted for that pipeline, one answer after another, repeating the last. Unscripted pipelines get no answer.
/// </summary>
public sealed class ScriptedPolls
{
    private readonly ConcurrentDictionary<(long, long), ConcurrentQueue<PipelinePolled>> _answers = new();

    public int Asked;

    public void Script(params PipelinePolled[] answers)
    {
        _answers[(answers[0].ProjectId, answers[0].PipelineId)] = new ConcurrentQueue<PipelinePolled>(answers);
    }

    public PipelinePolled? Next(long projectId, long pipelineId)
    {
        Interlocked.Increment(ref Asked);
        if (!_answers.TryGetValue((projectId, pipelineId), out var queue))
        {
            return null;
        }

        return queue.Count > 1 && queue.TryDequeue(out var next) ? next
            : queue.TryPeek(out var last) ? last
            : null;
    }
}

public sealed class ScriptedPollConsumer(ScriptedPolls polls) : IConsumer<PipelinePollRequested>
{
    public Task Consume(ConsumeContext<PipelinePollRequested> context) =>
        polls.Next(context.Message.ProjectId, context.Message.PipelineId) is { } answer ? context.Publish(answer) : Task.CompletedTask;
}
