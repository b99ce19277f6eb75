using GitLabBus.Sagas.MergeQueue;

namespace GitLabBus.Tests.Sagas.MergeQueue;

/// <summary>The queue's rules: landing order, batches, how much of a group of suspects to probe and what a probe proves.</summary>
public sealed class When_the_merge_queue_plans
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_put_higher_priorities_first_then_the_oldest()
    {
        var waiting = new[]
        {
            Entry(1, minutes: 0),
            Entry(2, minutes: 1),
            Entry(3, minutes: 2, priority: 10),
            Entry(4, minutes: 3),
            Entry(5, minutes: 0),
        };

        Assert.Equal([3L, 1L, 5L, 2L, 4L], MergeQueuePlanner.InLandingOrder(waiting).Select(entry => entry.Iid));
        Assert.Equal([3L, 1L], MergeQueuePlanner.NextBatch(waiting, 2).Select(entry => entry.Iid));
    }

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(5, 0, 2)]
    [InlineData(5, 2, 2)]
    [InlineData(6, 2, 3)]
    [InlineData(10, 3, 6)]
    public void Should_probe_the_prefix_with_the_fewest_pipelines_expected(int suspects, int strikesNeeded, int expected) =>
        Assert.Equal(expected, MergeQueuePlanner.ProbeLength(suspects, strikesNeeded));

    [Fact]
    public void Should_probe_more_of_the_group_while_its_culprit_still_needs_strikes()
    {
        // A failing probe is a strike the culprit would otherwise get alone, so a longer (likelier to fail) probe costs less.
        Assert.True(MergeQueuePlanner.ProbeLength(6, strikesNeeded: 2) > MergeQueuePlanner.ProbeLength(6, strikesNeeded: 0));
    }

    [Fact]
    public void Should_clear_a_passing_probe_and_keep_the_rest_as_suspects()
    {
        var verdict = MergeQueuePlanner.Judge([1, 2, 3, 4, 5], 3, passed: true);

        Assert.Equal([1L, 2L, 3L], verdict.Cleared);
        Assert.Equal([4L, 5L], verdict.Suspects);
        Assert.Empty(verdict.Released);
        Assert.Null(verdict.Culprit);
    }

    [Fact]
    public void Should_narrow_to_a_failing_probe_and_release_what_it_did_not_test()
    {
        var verdict = MergeQueuePlanner.Judge([1, 2, 3, 4, 5], 2, passed: false);

        Assert.Empty(verdict.Cleared);
        Assert.Equal([1L, 2L], verdict.Suspects);
        Assert.Equal([3L, 4L, 5L], verdict.Released);
    }

    [Fact]
    public void Should_name_the_culprit_when_a_probe_leaves_one_suspect()
    {
        Assert.Equal(5L, MergeQueuePlanner.Judge([1, 2, 3, 4, 5], 4, passed: true).Culprit);
        Assert.Equal(1L, MergeQueuePlanner.Judge([1, 2, 3, 4, 5], 1, passed: false).Culprit);
    }

    [Fact]
    public void Should_reject_at_the_last_strike_and_not_before()
    {
        var (once, rejectedOnce) = MergeQueuePlanner.Strike(Entry(7, 0), maxStrikes: 3);
        var (twice, rejectedTwice) = MergeQueuePlanner.Strike(once, maxStrikes: 3);
        var (thrice, rejectedThrice) = MergeQueuePlanner.Strike(twice, maxStrikes: 3);

        Assert.Equal((1, false), (once.Strikes, rejectedOnce));
        Assert.Equal((2, false), (twice.Strikes, rejectedTwice));
        Assert.Equal((3, true), (thrice.Strikes, rejectedThrice));
    }

    [Fact]
    public void Should_strike_once_per_failed_pipeline_and_never_past_the_limit()
    {
        var (twice, rejectedTwice) = MergeQueuePlanner.Strike(Entry(7, 0), maxStrikes: 3, failures: 2);
        var (capped, rejectedCapped) = MergeQueuePlanner.Strike(twice, maxStrikes: 3, failures: 4);

        Assert.Equal((2, false), (twice.Strikes, rejectedTwice));
        Assert.Equal((3, true), (capped.Strikes, rejectedCapped));
    }

    private static QueuedMergeRequest Entry(long iid, int minutes, int priority = 0) =>
        new(iid, $"sha-{iid}", priority, Start.AddMinutes(minutes));
}
