using GitLabBus.Contracts;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// The queue's decisions. Each handler changes the instance and returns what to publish: batches to start, verdicts for
/// the batches, the queue's events. After every change <see cref="Advance"/> lands the front batch if it passed, turns a
/// failed one's merge requests into suspects, judges the probes that finished, then starts probes and main batches up to
/// <c>max_parallel_batches</c> in all: probes first (on the target), main batches each on the head of the one ahead.
/// </summary>
/// <remarks>
/// The main line never waits for a bisection: while a failed batch's suspects are narrowed down beside it, the others
/// are batched and land. A passing probe lands itself only when nothing else is on its way to the target (a quiet queue);
/// otherwise its merge requests are cleared and ride the next main batch, first in line as the oldest.
/// </remarks>
public sealed partial class MergeQueueState
{
    public bool Paused => Config.Paused || HaltedReason is not null;

    private int MaxParallel => Math.Max(1, Config.MaxParallelBatches);

    public List<object> Admit(MrAdmitted admitted)
    {
        (ProjectId, TargetBranch, Config, OrgId) = (admitted.ProjectId, admitted.TargetBranch, admitted.Config, admitted.OrgId);
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
            if (entry.BatchId is null && Group(entry.Iid) is null)
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
        OrgId = change.OrgId;
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

        if (testing.Excluded.Count > 0 && Suspects.FirstOrDefault(each => each.ProbeId == batch.BatchId) is { } group)
        {
            // A probe that lost a member no longer proves anything about the others: they wait again.
            Abandon(group, sent);
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
            Forget(batch);
            if (batch.Members.Count > 0 && tested.Failure is not null)
            {
                HaltedReason = $"batch {batch.Number} could not be built: {tested.Failure}";
                DiscardAll(sent);
            }

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
        // A failed batch behind another is narrowed down once it is at the front, whenever its cleanup ends.
        if (Batch(finished.BatchId) is not { } batch || batch.State == QueueBatchStates.Failed)
        {
            return Advance(sent);
        }

        Batches.Remove(batch);
        switch (finished.Result)
        {
            case "merged":
                Landings++;
                if (!batch.Bisecting)
                {
                    Window = Window == 0 ? 0 : Math.Min(MaxParallel, Window + 1);
                }

                foreach (var iid in batch.Members)
                {
                    if (Entry(iid) is { } entry)
                    {
                        Leave(entry, "merged", null, batch, finished.FinishedAt);
                        sent.Add(Merged(entry, batch, finished));
                    }
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

    /// <summary>Lands the front batch when it passed, makes suspects of it when it failed, judges probes, starts what may start.</summary>
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
            ReleaseMembers(front);
            Suspect(front.Members, front.Failure ?? new BatchFailureEvidence { Number = front.Number }, sent, at);
        }

        foreach (
            var probe in Batches
                .Where(batch => batch.Bisecting && batch.State is QueueBatchStates.Passed or QueueBatchStates.Failed)
                .ToList()
        )
        {
            Judge(probe, sent, at);
        }

        StartProbes(sent);
        StartBatches(sent);
        return sent;
    }

    /// <summary>Merge requests that failed together on the target: one is the culprit at once, more are narrowed down.</summary>
    private void Suspect(IReadOnlyList<long> members, BatchFailureEvidence evidence, List<object> sent, DateTimeOffset? at)
    {
        var group = new QueueSuspects
        {
            Members = [.. members.Where(iid => Entry(iid) is not null)],
            Evidence = evidence,
            Failures = 1,
        };
        if (group.Members.Count == 0)
        {
            return;
        }

        Suspects.Add(group);
        if (group.Members.Count == 1)
        {
            Blame(group, sent, at);
        }
    }

    /// <summary>
    /// What a finished probe proved about its group: a failing one narrows the group to the probe (the rest waits again),
    /// a passing one clears its merge requests (landing them when nothing else is on its way to the target).
    /// </summary>
    private void Judge(QueueBatch probe, List<object> sent, DateTimeOffset? at)
    {
        var group = Suspects.FirstOrDefault(each => each.ProbeId == probe.BatchId);
        var passed = probe.State == QueueBatchStates.Passed;
        if (group is null || !passed || !Lands(probe, group))
        {
            Batches.Remove(probe);
            if (passed)
            {
                sent.Add(Verdict(probe, land: false));
            }
        }

        if (group is null)
        {
            return;
        }

        group.ProbeId = null;
        var verdict = MergeQueuePlanner.Judge(group.Members, probe.PrefixLength!.Value, passed);
        if (passed)
        {
            foreach (var iid in verdict.Cleared)
            {
                Entry(iid)?.Cleared = true;
            }
        }
        else
        {
            group.Failures++;
            group.Evidence = probe.Failure ?? group.Evidence;
        }

        group.Members = [.. verdict.Suspects];
        if (group.Members.Count == 0)
        {
            Suspects.Remove(group);
        }
        else if (verdict.Culprit is not null && group.Failures > 0)
        {
            Blame(group, sent, at);
        }

        if (probe.State == QueueBatchStates.Merging)
        {
            sent.Add(Verdict(probe, land: true));
        }
    }

    /// <summary>
    /// A passing probe lands its merge requests itself when it was built on the target as it still is and nothing else is on
    /// its way there (a quiet queue); otherwise they wait again, cleared, and ride the next main batch.
    /// </summary>
    private bool Lands(QueueBatch probe, QueueSuspects group)
    {
        var alone = !Batches.Any(batch => !batch.Bisecting || batch.State == QueueBatchStates.Merging);
        if (!alone || probe.LandingsBefore != Landings || Paused || probe.Members.Any(iid => !group.Members.Contains(iid)))
        {
            return false;
        }

        // Its merge requests are this batch's now: nothing else may take them while it lands.
        probe.State = QueueBatchStates.Merging;
        foreach (var iid in probe.Members)
        {
            Entry(iid)?.BatchId = probe.BatchId;
        }

        return true;
    }

    /// <summary>
    /// The culprit of a group of one gets its strikes, one per pipeline it failed: rejected at <c>max_strikes</c>, tested alone
    /// again otherwise (the group stays, with nothing left to strike).
    /// </summary>
    private void Blame(QueueSuspects group, List<object> sent, DateTimeOffset? at)
    {
        var iid = group.Members[0];
        var failures = group.Failures;
        group.Failures = 0;
        if (Entry(iid) is not { } entry)
        {
            Suspects.Remove(group);
            return;
        }

        var (struck, rejected) = MergeQueuePlanner.Strike(entry.AsQueued(), Config.MaxStrikes, failures);
        (entry.Strikes, entry.Cleared, entry.BatchId) = (struck.Strikes, false, null);
        if (!rejected)
        {
            sent.Add(
                new MrStruck
                {
                    ProjectId = ProjectId,
                    OrgId = OrgId,
                    TargetBranch = TargetBranch,
                    MergeRequestIid = iid,
                    Strikes = entry.Strikes,
                    MaxStrikes = Config.MaxStrikes,
                    Evidence = group.Evidence,
                }
            );
            return;
        }

        Suspects.Remove(group);
        var detail = $"it failed {entry.Strikes} batch pipeline{(entry.Strikes == 1 ? "" : "s")}";
        Leave(entry, "rejected", MrRejectedReasons.Strikes, null, at);
        sent.Add(Rejected(entry, MrRejectedReasons.Strikes, detail, group.Evidence));
    }

    private int InFlight => Batches.Count(batch => batch.State is QueueBatchStates.Building or QueueBatchStates.Testing);

    /// <summary>
    /// One probe per group of suspects, on the target, while pipelines are free: a struck merge request waiting is a group
    /// of one.
    /// </summary>
    private void StartProbes(List<object> sent)
    {
        if (Paused)
        {
            return;
        }

        foreach (var struck in Entries.Where(entry => entry.Struck && entry.BatchId is null && Group(entry.Iid) is null).ToList())
        {
            Suspects.Add(new QueueSuspects { Members = [struck.Iid] });
        }

        foreach (var group in Suspects.Where(group => group.ProbeId is null))
        {
            if (InFlight >= MaxParallel)
            {
                return;
            }

            var strikes = group.Members.Max(iid => Entry(iid)?.Strikes ?? 0);
            var length = MergeQueuePlanner.ProbeLength(group.Members.Count, Config.MaxStrikes - strikes - group.Failures);
            var started = Start([.. group.Members.Take(length)], TargetBranch, length);
            group.ProbeId = started.BatchId;
            sent.Add(started);
        }
    }

    private void StartBatches(List<object> sent)
    {
        if (Paused)
        {
            return;
        }

        var window = Window == 0 ? MaxParallel : Math.Min(Window, MaxParallel);
        while (Batches.Count(batch => !batch.Bisecting) < window && InFlight < MaxParallel)
        {
            // Stacked on the newest batch that will land: a main one, or a probe landing now.
            var last = Batches.Where(batch => !batch.Bisecting || batch.State == QueueBatchStates.Merging).MaxBy(batch => batch.Number);
            if (last is { State: QueueBatchStates.Building or QueueBatchStates.Failed } || last is { HeadSha: null or "" })
            {
                return;
            }

            var waiting = Entries.Where(entry => entry.BatchId is null && !entry.Struck && Group(entry.Iid) is null);
            var next = MergeQueuePlanner.NextBatch(waiting.Select(entry => entry.AsQueued()), Config.BatchSize);
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
            BatchId = MergeQueueCorrelation.Batch(ProjectId, TargetBranch, number, OrgId),
            Number = number,
            Members = members,
            BaseRef = baseRef,
            PrefixLength = prefixLength,
            LandingsBefore = Batches.Any(each => each.State == QueueBatchStates.Merging) ? null : Landings,
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
            OrgId = OrgId,
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
            OrgId = OrgId,
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
                        OrgId = OrgId,
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

    /// <summary>
    /// Takes an entry out of whatever tests it: its batch (and those behind) or its group of suspects, the others waiting again.
    /// </summary>
    private void Release(QueueEntry entry, List<object> sent)
    {
        if (entry.BatchId is { } batchId && Batch(batchId) is { } batch)
        {
            foreach (var doomed in Batches.Where(other => !other.Bisecting && other.Number >= batch.Number).ToList())
            {
                Discard(doomed, sent);
            }
        }

        if (Group(entry.Iid) is { } group)
        {
            Abandon(group, sent);
        }
    }

    /// <summary>A group that lost a member proves nothing about the others any more: its probe stops and they wait again.</summary>
    private void Abandon(QueueSuspects group, List<object> sent)
    {
        if (group.ProbeId is { } probeId && Batch(probeId) is { State: not QueueBatchStates.Merging } probe)
        {
            Discard(probe, sent);
        }

        Suspects.Remove(group);
    }

    /// <summary>
    /// Stops every batch and probe that is not landing; the suspects stay suspects and are probed again on the new target.
    /// </summary>
    private void DiscardAll(List<object> sent)
    {
        foreach (var batch in Batches.Where(batch => batch.State != QueueBatchStates.Merging).ToList())
        {
            Discard(batch, sent);
        }
    }

    private void Discard(QueueBatch batch, List<object> sent)
    {
        Forget(batch);
        sent.Add(Verdict(batch, land: false));
    }

    /// <summary>The queue stops waiting on a batch: its merge requests are free again, its group (for a probe) needs a new one.</summary>
    private void Forget(QueueBatch batch)
    {
        Batches.Remove(batch);
        ReleaseMembers(batch);
        foreach (var group in Suspects.Where(group => group.ProbeId == batch.BatchId))
        {
            group.ProbeId = null;
        }
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

    private QueueSuspects? Group(long iid) => Suspects.FirstOrDefault(group => group.Members.Contains(iid));

    /// <summary>True while the merge request is a suspect of a failed batch (the view shows it as testing).</summary>
    public bool IsSuspect(long iid) => Group(iid) is not null;

    private QueueEntry? Entry(long iid) => Entries.FirstOrDefault(entry => entry.Iid == iid);

    private QueueBatch? Batch(Guid batchId) => Batches.FirstOrDefault(batch => batch.BatchId == batchId);

    private static MergeBatchVerdictGiven Verdict(QueueBatch batch, bool land) => new() { BatchId = batch.BatchId, Land = land };

    private MrQueued Queued(QueueEntry entry) =>
        new()
        {
            ProjectId = ProjectId,
            OrgId = OrgId,
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
            OrgId = OrgId,
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
            OrgId = OrgId,
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
