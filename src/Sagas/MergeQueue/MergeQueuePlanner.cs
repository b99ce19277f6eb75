namespace GitLabBus.Sagas.MergeQueue;

/// <summary>A merge request waiting in a queue: the head it was admitted with, its priority and when it came.</summary>
public sealed record QueuedMergeRequest(long Iid, string HeadSha, int Priority, DateTimeOffset EnqueuedAt, int Strikes = 0);

/// <summary>
/// What one probe of a group of suspects proved: <see cref="Cleared"/> passed (it lands, or is batched again);
/// the culprit is among <see cref="Suspects"/> (alone there, it is <see cref="Culprit"/>); <see cref="Released"/> was not
/// tested by the probe and waits again like anyone else.
/// </summary>
public sealed record ProbeVerdict(IReadOnlyList<long> Cleared, IReadOnlyList<long> Suspects, IReadOnlyList<long> Released)
{
    public long? Culprit => Suspects.Count == 1 ? Suspects[0] : null;
}

/// <summary>
/// The merge queue's decisions, free of GitLab and of the bus so that they can be read and tested as rules: the landing
/// order, the next batch, how much of a group of suspects to probe, and what a probe proves.
/// </summary>
/// <remarks>
/// A failed batch's merge requests become suspects, narrowed down by probes (prefixes of the group, each tested alone on
/// the target) while the main line goes on with the others. A probe that fails holds the culprit and counts as one of its
/// strikes; one that passes clears its merge requests. The probe's length is the one with the fewest pipelines expected
/// until the culprit is rejected, counting that a failing probe is a strike the culprit would otherwise get alone.
/// </remarks>
public static class MergeQueuePlanner
{
    /// <summary>Higher priority first, then the oldest, then the lower iid (a stable order when times are equal).</summary>
    public static IReadOnlyList<QueuedMergeRequest> InLandingOrder(IEnumerable<QueuedMergeRequest> waiting) =>
        [.. waiting.OrderByDescending(entry => entry.Priority).ThenBy(entry => entry.EnqueuedAt).ThenBy(entry => entry.Iid)];

    /// <summary>The next batch: the first <paramref name="batchSize"/> in landing order, or none when nothing waits.</summary>
    public static IReadOnlyList<QueuedMergeRequest> NextBatch(IEnumerable<QueuedMergeRequest> waiting, int batchSize) =>
        [.. InLandingOrder(waiting).Take(Math.Max(1, batchSize))];

    /// <summary>
    /// How many of a group of <paramref name="suspects"/> (known to fail together, one culprit assumed anywhere among them)
    /// the next probe tests: the prefix with the fewest pipelines expected until the culprit is found and has
    /// <paramref name="strikesNeeded"/> more strikes. A group of one is tested alone.
    /// </summary>
    public static int ProbeLength(int suspects, int strikesNeeded) =>
        suspects <= 1 ? 1 : new ProbeCosts(suspects, Math.Max(0, strikesNeeded)).Best(suspects, Math.Max(0, strikesNeeded)).Length;

    /// <summary>What a probe of the first <paramref name="length"/> of <paramref name="suspects"/> proved.</summary>
    public static ProbeVerdict Judge(IReadOnlyList<long> suspects, int length, bool passed) =>
        passed
            ? new ProbeVerdict([.. suspects.Take(length)], [.. suspects.Skip(length)], [])
            : new ProbeVerdict([], [.. suspects.Take(length)], [.. suspects.Skip(length)]);

    /// <summary>
    /// <paramref name="failures"/> strikes for the culprit (one per pipeline that failed with it), at most
    /// <paramref name="maxStrikes"/>; true when it reached them and is rejected.
    /// </summary>
    public static (QueuedMergeRequest Struck, bool Rejected) Strike(QueuedMergeRequest culprit, int maxStrikes, int failures = 1)
    {
        var struck = culprit with { Strikes = Math.Min(maxStrikes, culprit.Strikes + Math.Max(1, failures)) };
        return (struck, struck.Strikes >= maxStrikes);
    }

    /// <summary>
    /// Expected pipelines for a group of n suspects whose culprit still needs r strikes: a probe of k fails with chance
    /// k/n (the culprit is in it: k left, one strike fewer needed) or passes (n - k left); a culprit found alone is tested
    /// alone r more times. Small (n ≤ the largest batch), so it is worked out per question.
    /// </summary>
    private sealed class ProbeCosts(int maxSuspects, int maxStrikes)
    {
        private readonly (double Cost, int Length)?[,] _known = new (double, int)?[maxSuspects + 1, maxStrikes + 1];

        public (double Cost, int Length) Best(int suspects, int strikes)
        {
            if (suspects == 1)
            {
                return (strikes, 1);
            }

            if (_known[suspects, strikes] is { } known)
            {
                return known;
            }

            var best = (Cost: double.MaxValue, Length: 1);
            for (var length = 1; length < suspects; length++)
            {
                var failing = (double)length / suspects;
                var cost =
                    1 + failing * Best(length, Math.Max(0, strikes - 1)).Cost + (1 - failing) * Best(suspects - length, strikes).Cost;
                if (cost < best.Cost - 1e-9)
                {
                    best = (cost, length);
                }
            }

            _known[suspects, strikes] = best;
            return best;
        }
    }
}
