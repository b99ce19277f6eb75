using GitLabBus.Contracts;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// The queue's decisions. Each handler changes the instance and returns what to publish: batches to start, verdicts for
/// the batches, the queue's events. After every change <see cref="Advance"/> lands the front batch if it passed, narrows a
/// failed one down, and starts batches up to <c>max_parallel_batches</c>, each on the head of the one ahead.
/// </summary>
public sealed partial class MergeQueueState
{
    public bool Paused => Config.Paused || HaltedReason is not null;

    private int MaxParallel => Math.Max(1, Config.MaxParallelBatches);

    public List<object> Admit(MrAdmitted admitted)
    {
        (ProjectId, TargetBranch, Config) = (admitted.ProjectId, admitted.TargetBranch, admitted.Config);
        var sent = new List<object>();
        var entry = Entry(admitted.MergeRequestIid);
        if (entry is null)
        {
            entry = new QueueEntry
            {
                Iid = admitted.MergeRequestIid,
                HeadSha = admitted.HeadSha,
                Title = admitted.Title,
                WebUrl = admitted.WebUrl,
                Priority = admitted.Priority,
                EnqueuedAt = admitted.AdmittedAt,
                RequestedBy = admitted.RequestedBy,
                Source = admitted.Source,
            };
            Entries.Add(entry);
            sent.Add(Queued(entry));
        }
        else
        {
            // The watcher and the label ask again with priority 0: a priority once given is kept.
            entry.Priority = Math.Max(entry.Priority, admitted.Priority);
            entry.Title = admitted.Title;
            if (entry.BatchId is null && !InBisection(entry.Iid))
            {
                entry.HeadSha = admitted.HeadSha;
            }
        }

        return Advance(sent);
    }

    /// <summary>Admission now keeps a queued merge request out (checked again after its head moved): it leaves the queue.</summary>
    public List<object> Refuse(MrNotAdmitted refused)
    {
        var sent = new List<object>();
        if (Entry(refused.MergeRequestIid) is { } entry && !IsLanding(entry))
        {
            Release(entry, sent);
            Leave(entry, "removed", $"not admitted: {string.Join("; ", refused.Reasons)}", null, refused.At);
        }

        return Advance(sent);
    }

    public List<object> Remove(MrRemovalRequested removal)
    {
        var sent = new List<object>();
        if (Entry(removal.MergeRequestIid) is { } entry && !IsLanding(entry))
        {
            Release(entry, sent);
            Leave(entry, "removed", $"removed by {removal.RequestedBy ?? "a request"}", null, removal.RequestedAt);
        }

        return Advance(sent);
    }

    public List<object> Reprioritise(MrPriorityChangeRequested change)
    {
        var sent = new List<object>();
        if (Entry(change.MergeRequestIid) is { } entry)
        {
            entry.Priority = change.Priority;
            sent.Add(Queued(entry));
        }

        return Advance(sent);
    }

    public List<object> Configure(MergeQueueSettingsChanged change)
    {
        (ProjectId, TargetBranch, Config, HaltedReason) = (change.ProjectId, change.TargetBranch, change.Config, null);
        return Advance([]);
    }

    public List<object> OnTesting(MergeBatchTesting testing)
    {
        var sent = new List<object>();
        if (Batch(testing.BatchId) is not { } batch)
        {
            return Advance(sent);
        }

        (batch.HeadSha, batch.PipelineId, batch.PipelineUrl, batch.MergeRequestIid, batch.StartedAt) = (
            testing.HeadSha,
            testing.PipelineId,
            testing.PipelineUrl,
            testing.MergeRequestIid,
            testing.BuiltAt
        );
        if (testing.PipelineId is not null)
        {
            batch.State = QueueBatchStates.Testing;
        }

        if (testing.Excluded.Count > 0 && batch.Bisecting)
        {
            // A prefix that lost a member no longer proves anything about the others: bisection starts over in the queue.
            AbandonBisection(sent);
        }

        foreach (var exclusion in testing.Excluded)
        {
            batch.Members.Remove(exclusion.Iid);
            if (Entry(exclusion.Iid) is { } entry)
            {
                Exclude(entry, exclusion, testing.BuiltAt, sent);
            }
        }

        return Advance(sent);
    }

    public List<object> OnTested(MergeBatchTested tested)
    {
        var sent = new List<object>();
        if (Batch(tested.BatchId) is not { } batch)
        {
            return Advance(sent);
        }

        if (tested.Passed)
        {
            batch.State = QueueBatchStates.Passed;
            return Advance(sent);
        }

        if (tested.Status == "not_built")
        {
            // Every member left while it was built, or GitLab refused the building itself.
            Batches.Remove(batch);
            if (batch.Members.Count > 0 && tested.Failure is not null)
            {
                HaltedReason = $"batch {batch.Number} could not be built: {tested.Failure}";
                DiscardAll(sent);
            }

            ReleaseMembers(batch);
            return Advance(sent);
        }

        batch.State = QueueBatchStates.Failed;
        batch.Failure = new BatchFailureEvidence
        {
            Number = batch.Number,
            Status = tested.Status,
            PipelineUrl = tested.PipelineUrl ?? batch.PipelineUrl,
            FailedJobs = tested.FailedJobs,
        };
        sent.Add(Verdict(batch, land: false));
        if (!batch.Bisecting)
        {
            Window = 1;
            // What was built on it carries its failure: tested again once the culprit is out.
            foreach (var behind in Batches.Where(other => !other.Bisecting && other.Number > batch.Number).ToList())
            {
                Discard(behind, sent);
            }
        }

        return Advance(sent, tested.FinishedAt);
    }

    public List<object> OnFinished(MergeBatchFinished finished)
    {
        var sent = new List<object>();
        if (Batch(finished.BatchId) is not { } batch)
        {
            return Advance(sent);
        }

        Batches.Remove(batch);
        switch (finished.Result)
        {
            case "merged":
                Window = Window == 0 ? 0 : Math.Min(MaxParallel, Window + 1);
                foreach (var iid in batch.Members)
                {
                    if (Entry(iid) is { } entry)
                    {
                        Leave(entry, "merged", null, batch, finished.FinishedAt);
                        sent.Add(Merged(entry, batch, finished));
                    }
                }

                if (Bisection is { AwaitingLanding: true } bisection)
                {
                    bisection.AwaitingLanding = false;
                    StartBisectionRound(sent);
                }

                break;
            case "target_moved":
                // Someone else changed the target: nothing was wrong with the batch; everything is built again on it.
                ReleaseMembers(batch);
                DiscardAll(sent);
                break;
            case "refused":
                ReleaseMembers(batch);
                DiscardAll(sent);
                HaltedReason = $"GitLab refused to merge batch {batch.Number}: {finished.Detail}";
                break;
            default:
                ReleaseMembers(batch);
                break;
        }

        return Advance(sent);
    }

    /// <summary>Lands the front batch when it passed, narrows it down when it failed, then starts what may start.</summary>
    private List<object> Advance(List<object> sent, DateTimeOffset? at = null)
    {
        while (Batches.Where(batch => !batch.Bisecting).MinBy(batch => batch.Number) is { } front)
        {
            if (front.State == QueueBatchStates.Passed && !Batches.Any(batch => batch.State == QueueBatchStates.Merging))
            {
                front.State = QueueBatchStates.Merging;
                sent.Add(Verdict(front, land: true));
            }

            if (front.State != QueueBatchStates.Failed)
            {
                break;
            }

            Batches.Remove(front);
            Narrow(front, sent, at);
        }

        JudgeBisectionRound(sent, at);
        StartBatches(sent);
        return sent;
    }

    /// <summary>A failed batch at the front: a batch of one has found its culprit; a longer one is bisected.</summary>
    private void Narrow(QueueBatch failed, List<object> sent, DateTimeOffset? at)
    {
        var evidence = failed.Failure ?? new BatchFailureEvidence { Number = failed.Number };
        if (failed.Members.Count == 1)
        {
            ReleaseMembers(failed);
            Blame(failed.Members[0], evidence, 1, sent, at);
            return;
        }

        ReleaseMembers(failed);
        Bisection = new QueueBisection { Members = [.. failed.Members], Evidence = evidence };
        StartBisectionRound(sent);
    }

    private void StartBisectionRound(List<object> sent)
    {
        if (Bisection is not { } bisection || Paused)
        {
            return;
        }

        if (Batches.Any(batch => batch.State == QueueBatchStates.Merging))
        {
            // Prefixes are built on the target: on the one that the landing batch leaves.
            bisection.AwaitingLanding = true;
            return;
        }

        foreach (var length in MergeQueuePlanner.PrefixLengths(bisection.Members.Count, Config.MaxParallelBatches))
        {
            sent.Add(Start([.. bisection.Members.Take(length)], TargetBranch, length));
        }
    }

    /// <summary>Once every prefix of the round is tested, the longest that passed lands and the culprit's stretch is narrowed.</summary>
    private void JudgeBisectionRound(List<object> sent, DateTimeOffset? at)
    {
        var round = Batches.Where(batch => batch.Bisecting && batch.State != QueueBatchStates.Merging).ToList();
        if (Bisection is not { AwaitingLanding: false } bisection || round.Count == 0)
        {
            return;
        }

        if (round.Any(batch => batch.State is not (QueueBatchStates.Passed or QueueBatchStates.Failed)))
        {
            return;
        }

        var results = round.ToDictionary(batch => batch.PrefixLength!.Value, batch => batch.State == QueueBatchStates.Passed);
        var verdict = MergeQueuePlanner.Judge(bisection.Members, results);
        var landing = round.FirstOrDefault(batch => batch.PrefixLength == verdict.Land.Count && batch.State == QueueBatchStates.Passed);
        foreach (var batch in round.Where(batch => batch != landing))
        {
            Batches.Remove(batch);
            if (batch.State == QueueBatchStates.Passed)
            {
                sent.Add(Verdict(batch, land: false));
            }
        }

        var firstFailing = verdict.Land.Count + verdict.Suspects.Count;
        var evidence = round.FirstOrDefault(batch => batch.PrefixLength == firstFailing)?.Failure ?? bisection.Evidence;
        bisection.Failures += round.Count(batch => batch.State == QueueBatchStates.Failed);
        bisection.Members = [.. verdict.Suspects];
        bisection.Evidence = evidence;
        if (landing is not null)
        {
            // Its merge requests are the landing batch's now: nothing else may take them while it lands.
            landing.State = QueueBatchStates.Merging;
            foreach (var iid in landing.Members)
            {
                Entry(iid)?.BatchId = landing.BatchId;
            }

            sent.Add(Verdict(landing, land: true));
        }

        if (verdict.Culprit is { } culprit)
        {
            Bisection = null;
            Blame(culprit, evidence, bisection.Failures, sent, at);
        }
        else if (landing is not null)
        {
            bisection.AwaitingLanding = true;
        }
        else
        {
            StartBisectionRound(sent);
        }
    }

    /// <summary>The culprit's strikes, one per pipeline it failed: tested alone from now on, and rejected at <c>max_strikes</c>.</summary>
    private void Blame(long iid, BatchFailureEvidence evidence, int failures, List<object> sent, DateTimeOffset? at)
    {
        if (Entry(iid) is not { } entry)
        {
            return;
        }

        var (struck, rejected) = MergeQueuePlanner.Strike(entry.AsQueued(), Config.MaxStrikes, failures);
        entry.Strikes = struck.Strikes;
        entry.BatchId = null;
        if (!rejected)
        {
            sent.Add(
                new MrStruck
                {
                    ProjectId = ProjectId,
                    TargetBranch = TargetBranch,
                    MergeRequestIid = iid,
                    Strikes = entry.Strikes,
                    MaxStrikes = Config.MaxStrikes,
                    Evidence = evidence,
                }
            );
            return;
        }

        var detail = $"it failed {entry.Strikes} batch pipeline{(entry.Strikes == 1 ? "" : "s")}";
        Leave(entry, "rejected", MrRejectedReasons.Strikes, null, at);
        sent.Add(Rejected(entry, MrRejectedReasons.Strikes, detail, evidence));
    }

    private void StartBatches(List<object> sent)
    {
        if (Paused || Bisection is not null)
        {
            return;
        }

        var window = Window == 0 ? MaxParallel : Math.Min(Window, MaxParallel);
        while (Batches.Count(batch => !batch.Bisecting) < window)
        {
            // Stacked on the newest batch that will land: a main one, or a passing prefix landing now.
            var last = Batches.Where(batch => !batch.Bisecting || batch.State == QueueBatchStates.Merging).MaxBy(batch => batch.Number);
            if (last is { State: QueueBatchStates.Building or QueueBatchStates.Failed } || last is { HeadSha: null or "" })
            {
                return;
            }

            // A merge request with a strike is likely to fail again: nothing is stacked on its test.
            if (last is { Members: [var alone] } && Entry(alone) is { Strikes: > 0 })
            {
                return;
            }

            var waiting = Entries.Where(entry => entry.BatchId is null && !InBisection(entry.Iid)).Select(entry => entry.AsQueued());
            var next = MergeQueuePlanner.NextBatch(waiting, Config.BatchSize);
            if (next.Count == 0)
            {
                return;
            }

            sent.Add(Start([.. next.Select(entry => entry.Iid)], last?.HeadSha ?? TargetBranch, prefixLength: null));
        }
    }

    private MergeBatchStarted Start(List<long> members, string baseRef, int? prefixLength)
    {
        var number = ++LastBatchNumber;
        var batch = new QueueBatch
        {
            BatchId = MergeQueueCorrelation.Batch(ProjectId, TargetBranch, number),
            Number = number,
            Members = members,
            BaseRef = baseRef,
            PrefixLength = prefixLength,
        };
        Batches.Add(batch);
        if (prefixLength is null)
        {
            foreach (var iid in members)
            {
                Entry(iid)!.BatchId = batch.BatchId;
            }
        }

        return new MergeBatchStarted
        {
            BatchId = batch.BatchId,
            ProjectId = ProjectId,
            TargetBranch = TargetBranch,
            Number = number,
            MergeRequestIids = members,
            BaseRef = baseRef,
            Bisecting = prefixLength is not null,
            Depth = Entries.Count,
        };
    }

    /// <summary>The batch saga's start for a batch the queue started (published next to its <see cref="MergeBatchStarted"/>).</summary>
    public MergeBatchStartRequested StartRequest(MergeBatchStarted started) =>
        new()
        {
            BatchId = started.BatchId,
            QueueId = CorrelationId,
            ProjectId = ProjectId,
            TargetBranch = TargetBranch,
            Number = started.Number,
            BaseSha = started.BaseRef,
            Candidates = [.. started.MergeRequestIids.Select(iid => new BatchCandidate(iid, Entry(iid)?.HeadSha ?? ""))],
            PipelineTimeoutSeconds = Config.PipelineTimeoutMinutes * 60,
        };

    private void Exclude(QueueEntry entry, BatchExclusion exclusion, DateTimeOffset? at, List<object> sent)
    {
        switch (exclusion.Reason)
        {
            case BatchExclusionReason.Conflict:
                Leave(entry, "rejected", MrRejectedReasons.Conflict, null, at);
                sent.Add(Rejected(entry, MrRejectedReasons.Conflict, exclusion.Detail, null));
                break;
            case BatchExclusionReason.HeadMoved:
                // New commits are checked again before they are queued; the entry comes back with its new head.
                Leave(entry, "removed", $"its head moved: {exclusion.Detail}", null, at);
                sent.Add(
                    new MrReadyForBatch
                    {
                        ProjectId = ProjectId,
                        MergeRequestIid = entry.Iid,
                        Priority = entry.Priority,
                        RequestedBy = entry.RequestedBy,
                        Source = MergeQueueSources.Queue,
                    }
                );
                break;
            default:
                Leave(entry, "removed", exclusion.Detail, null, at);
                break;
        }
    }

    /// <summary>Takes an entry out of whatever tests it: its batch (and those behind) or the bisection, the others waiting again.</summary>
    private void Release(QueueEntry entry, List<object> sent)
    {
        if (entry.BatchId is { } batchId && Batch(batchId) is { } batch)
        {
            foreach (var doomed in Batches.Where(other => !other.Bisecting && other.Number >= batch.Number).ToList())
            {
                Discard(doomed, sent);
            }
        }

        if (InBisection(entry.Iid))
        {
            AbandonBisection(sent);
        }
    }

    private void AbandonBisection(List<object> sent)
    {
        foreach (var batch in Batches.Where(batch => batch.Bisecting && batch.State != QueueBatchStates.Merging).ToList())
        {
            Discard(batch, sent);
        }

        Bisection = null;
    }

    private void DiscardAll(List<object> sent)
    {
        foreach (var batch in Batches.Where(batch => batch.State != QueueBatchStates.Merging).ToList())
        {
            Discard(batch, sent);
        }

        Bisection = null;
    }

    private void Discard(QueueBatch batch, List<object> sent)
    {
        Batches.Remove(batch);
        ReleaseMembers(batch);
        sent.Add(Verdict(batch, land: false));
    }

    private void ReleaseMembers(QueueBatch batch)
    {
        foreach (var entry in Entries.Where(entry => entry.BatchId == batch.BatchId))
        {
            entry.BatchId = null;
        }
    }

    private void Leave(QueueEntry entry, string outcome, string? reason, QueueBatch? batch, DateTimeOffset? at)
    {
        Entries.Remove(entry);
        History.Insert(
            0,
            new QueueHistoryItem
            {
                Iid = entry.Iid,
                Title = entry.Title,
                Outcome = outcome,
                Reason = reason,
                BatchId = batch?.BatchId,
                BatchNumber = batch?.Number,
                Strikes = entry.Strikes,
                EnqueuedAt = entry.EnqueuedAt,
                At = at,
            }
        );
        if (History.Count > HistoryLimit)
        {
            History.RemoveRange(HistoryLimit, History.Count - HistoryLimit);
        }
    }

    private bool IsLanding(QueueEntry entry) =>
        Batches.Any(batch =>
            batch.State == QueueBatchStates.Merging
            && batch.Members.Contains(entry.Iid)
            && (batch.BatchId == entry.BatchId || batch.Bisecting)
        );

    private bool InBisection(long iid) => Bisection?.Members.Contains(iid) == true;

    private QueueEntry? Entry(long iid) => Entries.FirstOrDefault(entry => entry.Iid == iid);

    private QueueBatch? Batch(Guid batchId) => Batches.FirstOrDefault(batch => batch.BatchId == batchId);

    private static MergeBatchVerdictGiven Verdict(QueueBatch batch, bool land) => new() { BatchId = batch.BatchId, Land = land };

    private MrQueued Queued(QueueEntry entry) =>
        new()
        {
            ProjectId = ProjectId,
            TargetBranch = TargetBranch,
            MergeRequestIid = entry.Iid,
            HeadSha = entry.HeadSha,
            Priority = entry.Priority,
            Position =
                MergeQueuePlanner.InLandingOrder(Entries.Select(each => each.AsQueued())).ToList().FindIndex(each => each.Iid == entry.Iid)
                + 1,
            Depth = Entries.Count,
            Source = entry.Source,
            RequestedBy = entry.RequestedBy,
        };

    private MrMerged Merged(QueueEntry entry, QueueBatch batch, MergeBatchFinished finished) =>
        new()
        {
            ProjectId = ProjectId,
            TargetBranch = TargetBranch,
            MergeRequestIid = entry.Iid,
            BatchId = batch.BatchId,
            Number = batch.Number,
            TargetSha = finished.TargetSha,
            WaitSeconds = Math.Max(0, (finished.FinishedAt - entry.EnqueuedAt).TotalSeconds),
            Depth = Entries.Count,
        };

    private MrRejected Rejected(QueueEntry entry, string reason, string detail, BatchFailureEvidence? evidence) =>
        new()
        {
            ProjectId = ProjectId,
            TargetBranch = TargetBranch,
            MergeRequestIid = entry.Iid,
            HeadSha = entry.HeadSha,
            Reason = reason,
            Detail = detail,
            Strikes = entry.Strikes,
            Evidence = evidence,
            Depth = Entries.Count,
        };
}
