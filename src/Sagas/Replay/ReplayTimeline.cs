using System.Globalization;

namespace GitLabBus.Sagas.Replay;

/// <summary>A replay as people read it in a terminal: one line per message, what it led to, and the verdict.</summary>
public static class ReplayTimeline
{
    public static void Write(TextWriter output, SagaReplayResult replay)
    {
        output.WriteLine($"{replay.Saga} {replay.CorrelationId}: {replay.Transitions.Count} journalled messages replayed");
        output.WriteLine($"  {"#", 3}  {"consumed at (UTC)", -23}  {"message", -28}  {"state", -36}  result");
        foreach (var step in replay.Transitions)
        {
            var states =
                step.StateAfter is null || step.StateAfter == step.RecordedStateAfter
                    ? $"{step.StateBefore} -> {step.StateAfter ?? "?"}"
                    : $"{step.StateBefore} -> {step.StateAfter} (recorded {step.RecordedStateAfter})";
            var consumedAt = step.ConsumedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            output.WriteLine(
                $"  {step.Sequence, 3}  {consumedAt, -23}  {step.MessageType, -28}  {states, -36}  {(step.Matches ? "ok" : "DIFFERS")}"
            );
            foreach (var outgoing in step.Outgoing)
            {
                var when = outgoing.ScheduledFor is { } at
                    ? $" for {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}"
                    : "";
                output.WriteLine($"  {"", 3}  {"", -23}  -> {outgoing.Kind} {outgoing.MessageType}{when}");
            }

            if (step.Fault is not null)
            {
                output.WriteLine($"  {"", 3}  {"", -23}  !! not applied: {step.Fault}");
            }
        }

        output.WriteLine(replay.EndStateMatches ? "end state: matches the stored instance" : "end state: DIFFERS from the stored instance");
        foreach (var difference in replay.Differences)
        {
            output.WriteLine($"  {difference}");
        }
    }
}
