using GitLabBus.Runtime.Operations;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Runtime.Operations;

public sealed class When_progress_is_throttled
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Should_be_due_once_per_interval_for_one_caller()
    {
        var throttle = new ProgressThrottle(_time);

        var tooSoon = throttle.Due();
        _time.Advance(ProgressThrottle.Interval);
        var first = throttle.Due();
        var second = throttle.Due();

        Assert.Equal((false, true, false), (tooSoon, first, second));
    }

    [Fact]
    public void Should_let_only_one_of_many_concurrent_callers_report_a_turn()
    {
        var throttle = new ProgressThrottle(_time);
        _time.Advance(ProgressThrottle.Interval);

        var winners = Enumerable.Range(0, 64).AsParallel().Count(_ => throttle.Due());

        Assert.Equal(1, winners);
    }
}
