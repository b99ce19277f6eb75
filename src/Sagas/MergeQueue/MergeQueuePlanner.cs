namespace GitLabBus.Sagas.MergeQueue;

/// <summary>A merge request waiting in a queue: the head it was admitted with, its priority and when it came.</summary>
public sealed record QueuedMergeRequest(long Iid, string HeadSha, int Priority, DateTimeOffset EnqueuedAt, int Strikes = 0);

/// <summary>
/// What bisection concluded from a failed batch's prefixes: <see cref="Land"/> passed and goes in at once; the culprit is
/// among <see cref="Suspects"/> (alone there, it is <see cref="Culprit"/>); <see cref="Requeue"/> was never judged and goes
/// back to the front of the queue.
/// </summary>
public sealed record BisectionVerdict(IReadOnlyList<long> Land, IReadOnlyList<long> Suspects, IReadOnlyList<long> Requeue)
{
    public long? Culprit => Suspects.Count == 1 ? Suspects[0] : null;
}

/// <summary>
/// The merge queue's decisions, free of GitLab and of the bus so that they can be read and tested as rules: the landing
/// order, the next batch, which prefixes of a failed batch to test at once, and what their results prove.
/// </summary>
/// <remarks>
/// A failed batch is bisected by prefixes, tested in parallel on the batch's base: the longest prefix that passed lands
/// (it is exactly what a pipeline tested), the culprit is in the stretch up to the shortest prefix that failed after it,
/// and what follows goes back to the queue. A stretch of one is the culprit; a longer one is bisected again on the new
/// target. With p prefixes at once, a batch of n needs about log_(p+1)(n) rounds.
/// </remarks>
public static class MergeQueuePlanner
{
    /// <summary>Higher priority first, then the oldest, then the lower iid (a stable order when times are equal).</summary>
    public static IReadOnlyList<QueuedMergeRequest> InLandingOrder(IEnumerable<QueuedMergeRequest> waiting) =>
        [.. waiting.OrderByDescending(entry => entry.Priority).ThenBy(entry => entry.EnqueuedAt).ThenBy(entry => entry.Iid)];

    /// <summary>
    /// The next batch: the first <paramref name="batchSize"/> in landing order, or none when nothing waits. A merge request
    /// with a strike is tested alone and after the others, so that a change which broke a batch cannot fail anybody else's
    /// again: it goes by itself once no merge request without a strike waits (stacked on their batch, nothing on it).
    /// </summary>
    public static IReadOnlyList<QueuedMergeRequest> NextBatch(IEnumerable<QueuedMergeRequest> waiting, int batchSize)
    {
        var order = InLandingOrder(waiting);
        var clean = order.Where(entry => entry.Strikes == 0).Take(Math.Max(1, batchSize)).ToList();
        return clean.Count > 0 ? clean : [.. order.Take(1)];
    }

    /// <summary>
    /// The lengths of the prefixes to test at once for a failed batch of <paramref name="members"/> (at least 2), spread
    /// evenly, at most <paramref name="parallel"/> of them, each shorter than the batch (the whole batch is known to fail).
    /// </summary>
    public static IReadOnlyList<int> PrefixLengths(int members, int parallel)
    {
        if (members < 2)
        {
            return [];
        }

        var count = Math.Clamp(parallel, 1, members - 1);
        return
        [
            .. Enumerable
                .Range(1, count)
                .Select(i => (int)Math.Round(i * members / (double)(count + 1)))
                .Select(n => Math.Clamp(n, 1, members - 1))
                .Distinct(),
        ];
    }

    /// <summary>
    /// What the prefix results (<paramref name="passed"/>: length → whether its pipeline passed) prove about
    /// <paramref name="failed"/>, a batch whose whole failed. The longest passing prefix lands, even when a shorter one
    /// failed (a flaky pipeline): what lands is always something a pipeline passed.
    /// </summary>
    public static BisectionVerdict Judge(IReadOnlyList<long> failed, IReadOnlyDictionary<int, bool> passed)
    {
        var landed = passed.Where(result => result.Value).Select(result => result.Key).DefaultIfEmpty(0).Max();
        var firstFailing = passed
            .Where(result => !result.Value && result.Key > landed)
            .Select(result => result.Key)
            .DefaultIfEmpty(failed.Count)
            .Min();
        return new BisectionVerdict(
            [.. failed.Take(landed)],
            [.. failed.Skip(landed).Take(firstFailing - landed)],
            [.. failed.Skip(firstFailing)]
        );
    }

    /// <summary>
    /// <paramref name="failures"/> strikes for the culprit (one per pipeline that failed with it), at most
    /// <paramref name="maxStrikes"/>; true when it reached them and is rejected.
    /// </summary>
    public static (QueuedMergeRequest Struck, bool Rejected) Strike(QueuedMergeRequest culprit, int maxStrikes, int failures = 1)
    {
        var struck = culprit with { Strikes = Math.Min(maxStrikes, culprit.Strikes + Math.Max(1, failures)) };
        return (struck, struck.Strikes >= maxStrikes);
    }
}
