using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit.Testing;

namespace GitLabBus.Tests.TestSupport;

/// <summary>
/// Waits on the test harness for a message by its content, up to a deadline: the harness's own select gives up after a
/// short quiet spell, which a consumer waiting on GitLab on a loaded machine can outlast.
/// </summary>
public static class HarnessWaits
{
    /// <summary>
    /// For the harness's selects: an already cancelled token makes them return what they hold and stop. Without one they wait
    /// for more while holding their list's lock, and a reader that stops early (First) while the harness's inactivity callback
    /// runs deadlocks with it: seen once in CI, where a consumers test hung for good.
    /// </summary>
    public static readonly CancellationToken SoFar = new(canceled: true);

    /// <summary>What was published so far, without waiting for more.</summary>
    public static IReadOnlyList<IPublishedMessage<T>> PublishedSoFar<T>(this ITestHarness harness)
        where T : class => [.. harness.Published.Select<T>(SoFar)];

    /// <summary>What was consumed so far, without waiting for more.</summary>
    public static IReadOnlyList<IReceivedMessage<T>> ConsumedSoFar<T>(this ITestHarness harness)
        where T : class => [.. harness.Consumed.Select<T>(SoFar)];

    public static async Task<T> PublishedAsync<T>(this ITestHarness harness, Func<T, bool> match)
        where T : class
    {
        T? found = null;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                () =>
                    Task.FromResult((found = harness.PublishedSoFar<T>().Select(x => x.Context.Message).FirstOrDefault(match)) is not null),
                TimeSpan.FromSeconds(30)
            ),
            $"no {typeof(T).Name} was published"
        );
        return found!;
    }

    public static async Task<IReceivedMessage<T>> ConsumedAsync<T>(this ITestHarness harness, Func<T, bool> match)
        where T : class
    {
        IReceivedMessage<T>? found = null;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                () => Task.FromResult((found = harness.ConsumedSoFar<T>().FirstOrDefault(x => match(x.Context.Message))) is not null),
                TimeSpan.FromSeconds(30)
            ),
            $"no {typeof(T).Name} was consumed"
        );
        return found!;
    }
}
