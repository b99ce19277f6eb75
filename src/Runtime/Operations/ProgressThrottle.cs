namespace GitLabBus.Runtime.Operations;

/// <summary>
/// Says when a long run should report progress again: at most once per <see cref="Interval"/>, however many items or
/// concurrent batches ask (one caller wins each turn). A run over 100,000 items stays readable and cheap to follow.
/// </summary>
public sealed class ProgressThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private long _last = time.GetTimestamp();

    /// <summary>True once the interval passed since the last report, for the one caller that claims this turn.</summary>
    public bool Due()
    {
        var last = Interlocked.Read(ref _last);
        return time.GetElapsedTime(last) >= Interval && Interlocked.CompareExchange(ref _last, time.GetTimestamp(), last) == last;
    }
}
