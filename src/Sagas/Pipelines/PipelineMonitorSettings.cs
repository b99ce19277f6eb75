using GitLabBus.Runtime.Settings;

namespace GitLabBus.Sagas.Pipelines;

/// <summary>How the pipeline monitor polls when webhooks stop, how long it waits, how long it remembers.</summary>
/// <param name="PollInterval"><c>PIPELINE_POLL_INTERVAL_SECONDS</c> (30): the first poll after the last news; doubles while polls find
/// nothing new.</param>
/// <param name="MaxPollInterval"><c>PIPELINE_POLL_MAX_INTERVAL_SECONDS</c> (300): the longest gap between polls.</param>
/// <param name="MaxWait"><c>PIPELINE_MAX_WAIT_SECONDS</c> (86,400): a pipeline not final by then ends as <c>timed_out</c>.</param>
/// <param name="KeepFinished"><c>PIPELINE_MONITOR_KEEP_HOURS</c> (24): a finished monitor ignores late webhooks this long, then is
/// removed.</param>
public sealed record PipelineMonitorSettings(TimeSpan PollInterval, TimeSpan MaxPollInterval, TimeSpan MaxWait, TimeSpan KeepFinished)
{
    public static PipelineMonitorSettings Read(SettingsReader reader)
    {
        var poll = TimeSpan.FromSeconds(reader.Double("PIPELINE_POLL_INTERVAL_SECONDS", 30, 0.1, 3_600));
        return new PipelineMonitorSettings(
            poll,
            TimeSpan.FromSeconds(Math.Max(poll.TotalSeconds, reader.Double("PIPELINE_POLL_MAX_INTERVAL_SECONDS", 300, 0.1, 86_400))),
            TimeSpan.FromSeconds(reader.Double("PIPELINE_MAX_WAIT_SECONDS", 86_400, 1, 30 * 86_400)),
            TimeSpan.FromHours(reader.Double("PIPELINE_MONITOR_KEEP_HOURS", 24, 0, 24 * 365))
        );
    }

    /// <summary>The wait before the next poll after <paramref name="quietPolls"/> polls that found nothing new.</summary>
    public TimeSpan NextPoll(int quietPolls) =>
        TimeSpan.FromTicks(Math.Min(MaxPollInterval.Ticks, PollInterval.Ticks * (1L << Math.Clamp(quietPolls, 0, 20))));
}
