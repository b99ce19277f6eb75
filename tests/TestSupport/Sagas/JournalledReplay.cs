using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Replay;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.TestSupport.Sagas;

/// <summary>
/// Replays a saga once its journal has caught up with it. In memory the harness sees an instance's new state as soon
/// as the state machine sets it, while the journal entry is appended after the consume returns: a replay read in
/// between would miss the last message.
/// </summary>
public static class JournalledReplay
{
    public static async Task<SagaReplayResult> ReplayJournalledAsync(this SagaInspector inspector, string saga, Guid id, string state)
    {
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await inspector.GetJournalAsync(saga, id, CancellationToken.None)).LastOrDefault()?.StateAfter == state
            ),
            $"the journal of {saga} {id} never reached {state}"
        );
        var replay = await inspector.ReplayAsync(saga, id, CancellationToken.None);
        Assert.NotNull(replay);
        return replay;
    }
}
