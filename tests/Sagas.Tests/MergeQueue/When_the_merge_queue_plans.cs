using GitLabBus.Sagas.MergeQueue;

namespace GitLabBus.Tests.Sagas.MergeQueue;

/// <summary>The queue's rules: landing order, batches, and what bisection concludes from the prefixes of a failed batch.</summary>
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
    [InlineData(5, 2, new[] { 2, 3 })]
    [InlineData(8, 3, new[] { 2, 4, 6 })]
    [InlineData(2, 4, new[] { 1 })]
    [InlineData(5, 1, new[] { 2 })]
    [InlineData(1, 2, new int[0])]
    public void Should_test_evenly_spread_prefixes_shorter_than_the_failed_batch(int members, int parallel, int[] expected) =>
        Assert.Equal(expected, MergeQueuePlanner.PrefixLengths(members, parallel));

    [Fact]
    public void Should_land_the_passing_prefix_and_narrow_the_suspects_to_the_stretch_before_the_first_failure()
    {
        var verdict = MergeQueuePlanner.Judge([1, 2, 3, 4, 5], new Dictionary<int, bool> { [2] = true, [4] = false });

        Assert.Equal([1L, 2L], verdict.Land);
        Assert.Equal([3L, 4L], verdict.Suspects);
        Assert.Equal([5L], verdict.Requeue);
        Assert.Null(verdict.Culprit);
    }

    [Fact]
    public void Should_name_the_culprit_when_every_prefix_before_it_passed()
    {
        var verdict = MergeQueuePlanner.Judge([1, 2, 3, 4, 5], new Dictionary<int, bool> { [2] = true, [4] = true });

        Assert.Equal([1L, 2L, 3L, 4L], verdict.Land);
        Assert.Equal(5L, verdict.Culprit);
        Assert.Empty(verdict.Requeue);
    }

    [Fact]
    public void Should_land_nothing_and_requeue_the_rest_when_the_shortest_prefix_fails()
    {
        var verdict = MergeQueuePlanner.Judge([1, 2, 3, 4, 5], new Dictionary<int, bool> { [2] = false, [4] = false });

        Assert.Empty(verdict.Land);
        Assert.Equal([1L, 2L], verdict.Suspects);
        Assert.Equal([3L, 4L, 5L], verdict.Requeue);
    }

    [Fact]
    public void Should_land_only_what_passed_when_a_flaky_pipeline_contradicts_a_shorter_prefix()
    {
        var verdict = MergeQueuePlanner.Judge([1, 2, 3, 4, 5], new Dictionary<int, bool> { [2] = false, [4] = true });

        Assert.Equal([1L, 2L, 3L, 4L], verdict.Land);
        Assert.Equal(5L, verdict.Culprit);
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

    [Fact]
    public void Should_test_a_merge_request_with_a_strike_alone_after_the_others()
    {
        var struckFirst = new[] { Entry(1, 0) with { Strikes = 1 }, Entry(2, 1), Entry(3, 2) };
        var onlyStruck = new[] { Entry(1, 0) with { Strikes = 1 }, Entry(2, 1) with { Strikes = 2 } };

        Assert.Equal([2L, 3L], MergeQueuePlanner.NextBatch(struckFirst, 5).Select(entry => entry.Iid));
        Assert.Equal([1L], MergeQueuePlanner.NextBatch(onlyStruck, 5).Select(entry => entry.Iid));
    }

    private static QueuedMergeRequest Entry(long iid, int minutes, int priority = 0) =>
        new(iid, $"sha-{iid}", priority, Start.AddMinutes(minutes));
}
