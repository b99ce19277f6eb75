using MassTransit;

namespace GitLabBus.Runtime.Bus;

/// <summary>What a message of type <typeparamref name="T"/> must satisfy before anything consumes it.</summary>
public interface IMessageRules<in T>
    where T : class
{
    /// <summary>The first problem found, in words for whoever published it, or null.</summary>
    string? Problem(T message);
}

/// <summary>
/// Checks every message against the rules registered for its type, before any consumer or saga sees it: a message
/// that breaks them goes to the endpoint's <c>_error</c> queue at once, with the problem as <c>MT-Fault-Message</c>
/// (a state machine would wrap the exception, and retries would not recognise it).
/// </summary>
public sealed class MessageRulesConsumeFilter<T>(IEnumerable<IMessageRules<T>> rules) : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        foreach (var rule in rules)
        {
            if (rule.Problem(context.Message) is { } problem)
            {
                throw new InvalidMessageException($"{typeof(T).Name}: {problem}");
            }
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("messageRules");
}
