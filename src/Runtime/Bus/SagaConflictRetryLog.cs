using MassTransit;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// A saga instance another replica wrote since it was loaded is expected under load and retried at once: one line per
/// retry, without a stack trace, instead of MassTransit's warning with one (<see cref="IsExpected"/> lets the log drop that).
/// </summary>
public sealed class SagaConflictRetryLog(ILogger<SagaConflictRetryLog> logger) : IRetryObserver
{
    /// <summary>A saga's optimistic concurrency check, as thrown or as MassTransit wraps it.</summary>
    public static bool IsExpected(Exception? failure) =>
        failure is ConcurrencyException || failure is SagaException { InnerException: ConcurrencyException };

    public Task PostCreate<T>(RetryPolicyContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task PostFault<T>(RetryContext<T> context)
        where T : class, PipeContext
    {
        if (IsExpected(context.Exception))
        {
            logger.LogInformation(
                "Saga instance changed by another consumer while {Input} handled a message; retry {Attempt} in {DelayMs} ms",
                (context.Context as ConsumeContext)?.ReceiveContext.InputAddress?.AbsolutePath.Trim('/'),
                context.RetryAttempt + 1,
                (int)(context.Delay?.TotalMilliseconds ?? 0)
            );
        }

        return Task.CompletedTask;
    }

    public Task PreRetry<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryComplete<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;
}
