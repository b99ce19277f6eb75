using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit.Testing;

namespace GitLabBus.Tests.TestSupport;

/// <summary>
/// Waits on the test harness for a message by its content, up to a deadline: the harness's own select gives up after a
/// short quiet spell, which a consumer waiting on GitLab on a loaded machine can outlast.
/// </summary>
public static class HarnessWaits
{
    public static async Task<T> PublishedAsync<T>(this ITestHarness harness, Func<T, bool> match)
        where T : class
    {
        T? found = null;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                () =>
                    Task.FromResult(
                        (found = harness.Published.Select<T>().Select(x => x.Context.Message).FirstOrDefault(match)) is not null
                    ),
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
                () => Task.FromResult((found = harness.Consumed.Select<T>(x => match(x.Context.Message)).FirstOrDefault()) is not null),
                TimeSpan.FromSeconds(30)
            ),
            $"no {typeof(T).Name} was consumed"
        );
        return found!;
    }
}
