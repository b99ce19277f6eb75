using GitLabBus.Contracts;

namespace GitLabBus.Sagas.Pipelines;

/// <summary>
/// How webhooks and polls change a monitored pipeline. Observations may come twice or out of order: a final status
/// (of the pipeline, a job or a downstream pipeline) is never replaced by a later observation, and among the others
/// the latest one wins. Each method says whether anything changed, which resets the polling backoff.
/// </summary>
public static class PipelineObservations
{
    private static readonly HashSet<string> FinalStatuses = new(StringComparer.Ordinal) { "success", "failed", "canceled", "skipped" };

    public static bool IsFinal(string? status) => status is not null && FinalStatuses.Contains(status);

    /// <summary>GitLab's final statuses, and the monitor's own ends for a pipeline it stopped following.</summary>
    public static bool HasEnded(string? status) => IsFinal(status) || status is "timed_out" or "deleted";

    public static bool Identify(this PipelineMonitorState monitor, long projectId, long pipelineId)
    {
        if (monitor.PipelineId != 0)
        {
            return false;
        }

        (monitor.ProjectId, monitor.PipelineId) = (projectId, pipelineId);
        return true;
    }

    public static bool Apply(this PipelineMonitorState monitor, PipelineCreated created)
    {
        monitor.Identify(created.ProjectId, created.PipelineId);
        monitor.OrgId ??= created.OrgId;
        monitor.OperationId ??= created.OperationId;
        monitor.WebUrl ??= created.WebUrl;
        monitor.CreatedAt ??= created.CreatedAt;
        return monitor.Describe(created.Ref, created.Sha) | monitor.ChangeStatus(created.Status);
    }

    public static bool Apply(this PipelineMonitorState monitor, PipelineMonitoringRequested requested)
    {
        var changed = monitor.Identify(requested.ProjectId, requested.PipelineId);
        monitor.OrgId ??= requested.OrgId;
        monitor.UpstreamProjectId ??= requested.UpstreamProjectId;
        monitor.UpstreamPipelineId ??= requested.UpstreamPipelineId;
        return changed;
    }

    public static bool Apply(this PipelineMonitorState monitor, PipelineStatusChanged changed)
    {
        monitor.Identify(changed.ProjectId, changed.PipelineId);
        monitor.OrgId ??= changed.OrgId;
        monitor.WebhookUpdates++;
        monitor.UpstreamProjectId ??= changed.UpstreamProjectId;
        monitor.UpstreamPipelineId ??= changed.UpstreamPipelineId;
        monitor.WebUrl ??= changed.Url;
        monitor.CreatedAt ??= changed.CreatedAt;
        return monitor.Describe(changed.Ref, changed.Sha)
            | monitor.ChangeStatus(changed.Status, changed.FinishedAt, changed.DurationSeconds)
            | monitor.ChangeJobs(changed.Jobs);
    }

    public static bool Apply(this PipelineMonitorState monitor, JobStatusChanged changed)
    {
        monitor.Identify(changed.ProjectId, changed.PipelineId);
        monitor.OrgId ??= changed.OrgId;
        monitor.WebhookUpdates++;
        var moved =
            monitor.Describe(changed.Ref, changed.Sha)
            | monitor.ChangeJob(changed.JobId, changed.Name, changed.Stage, changed.Status, changed.AllowFailure, changed.DurationSeconds);
        var job = monitor.Jobs.First(tracked => tracked.Id == changed.JobId);
        if (job.Status == changed.Status)
        {
            // GitLab names a failure reason on every job hook ("unknown_failure" for a success): only a failure has one.
            job.FailureReason = changed.Status == "failed" ? changed.FailureReason : null;
            job.StartedAt = changed.StartedAt ?? job.StartedAt;
            job.FinishedAt = changed.FinishedAt ?? job.FinishedAt;
            job.DurationSeconds = changed.DurationSeconds ?? job.DurationSeconds;
        }

        return moved;
    }

    public static bool Apply(this PipelineMonitorState monitor, PipelinePolled polled)
    {
        monitor.Polls++;
        monitor.WebUrl ??= polled.WebUrl;
        monitor.CreatedAt ??= polled.CreatedAt;
        monitor.StartedAt ??= polled.StartedAt;
        var moved =
            monitor.Describe(polled.Ref, polled.Sha)
            | monitor.ChangeStatus(polled.Status, polled.FinishedAt, polled.DurationSeconds)
            | monitor.ChangeJobs(polled.Jobs);

        foreach (var downstream in polled.Downstream)
        {
            moved |= monitor.ChangeDownstream(downstream.ProjectId, downstream.PipelineId, downstream.Status, downstream.BridgeName);
        }

        if (IsFinal(monitor.Status))
        {
            monitor.Settled = true;
        }

        return moved;
    }

    /// <summary>A downstream pipeline's own monitor finished.</summary>
    public static bool Apply(this PipelineMonitorState monitor, PipelineFinished downstream) =>
        monitor.ChangeDownstream(downstream.ProjectId, downstream.PipelineId, downstream.Status, "");

    /// <summary>Whether the monitor can end: the pipeline is final, a poll has shown its bridges, and every downstream pipeline is
    /// final.</summary>
    public static bool IsComplete(this PipelineMonitorState monitor) =>
        IsFinal(monitor.Status) && monitor.Settled && monitor.Downstream.All(downstream => HasEnded(downstream.Status));

    /// <summary>A retry made the pipeline run again: its status is unknown until GitLab tells; jobs seen before are kept.</summary>
    public static void Reopen(this PipelineMonitorState monitor)
    {
        monitor.Status = "";
        monitor.FinishedAt = null;
        monitor.DurationSeconds = null;
        monitor.Settled = false;
        monitor.Outcome = null;
        monitor.QuietPolls = 0;
    }

    public static PipelineFinished ToFinished(this PipelineMonitorState monitor, DateTimeOffset now) =>
        new()
        {
            ProjectId = monitor.ProjectId,
            PipelineId = monitor.PipelineId,
            OrgId = monitor.OrgId,
            Status = monitor.Outcome ?? monitor.Status,
            Ref = monitor.Ref,
            Sha = monitor.Sha,
            OperationId = monitor.OperationId,
            UpstreamProjectId = monitor.UpstreamProjectId,
            UpstreamPipelineId = monitor.UpstreamPipelineId,
            CreatedAt = monitor.CreatedAt,
            FinishedAt = monitor.FinishedAt ?? now,
            DurationSeconds = monitor.DurationSeconds,
            TotalSeconds = monitor.CreatedAt is { } created ? Math.Max(0, ((monitor.FinishedAt ?? now) - created).TotalSeconds) : 0,
            Jobs = [.. monitor.Jobs.OrderBy(job => job.Id).Select(job => job.ToSummary())],
            Downstream = [.. monitor.Downstream.Select(downstream => downstream.ToContract())],
        };

    private static bool Describe(this PipelineMonitorState monitor, string? gitRef, string? sha)
    {
        var changed = false;
        if (!string.IsNullOrEmpty(gitRef) && monitor.Ref != gitRef)
        {
            (monitor.Ref, changed) = (gitRef, true);
        }

        if (!string.IsNullOrEmpty(sha) && monitor.Sha != sha)
        {
            (monitor.Sha, changed) = (sha, true);
        }

        return changed;
    }

    private static bool ChangeStatus(
        this PipelineMonitorState monitor,
        string? status,
        DateTimeOffset? finishedAt = null,
        double? duration = null
    )
    {
        if (string.IsNullOrEmpty(status) || IsFinal(monitor.Status) || monitor.Status == status)
        {
            return false;
        }

        monitor.Status = status;
        if (IsFinal(status))
        {
            monitor.FinishedAt = finishedAt ?? monitor.FinishedAt;
            monitor.DurationSeconds = duration ?? monitor.DurationSeconds;
        }

        return true;
    }

    private static bool ChangeJobs(this PipelineMonitorState monitor, IEnumerable<PipelineJobSummary> jobs)
    {
        var moved = false;
        foreach (var job in jobs)
        {
            moved |= monitor.ChangeJob(job.Id, job.Name, job.Stage, job.Status, job.AllowFailure, job.DurationSeconds);
        }

        return moved;
    }

    private static bool ChangeJob(
        this PipelineMonitorState monitor,
        long id,
        string name,
        string stage,
        string status,
        bool allowFailure,
        double? duration
    )
    {
        var job = monitor.Jobs.FirstOrDefault(tracked => tracked.Id == id);
        if (job is null)
        {
            monitor.Jobs.Add(
                new TrackedJob
                {
                    Id = id,
                    Name = name,
                    Stage = stage,
                    Status = status,
                    AllowFailure = allowFailure,
                    DurationSeconds = duration,
                }
            );
            return true;
        }

        if (IsFinal(job.Status) || job.Status == status || string.IsNullOrEmpty(status))
        {
            return false;
        }

        job.Status = status;
        job.DurationSeconds = duration ?? job.DurationSeconds;
        return true;
    }

    private static bool ChangeDownstream(
        this PipelineMonitorState monitor,
        long projectId,
        long pipelineId,
        string status,
        string bridgeName
    )
    {
        var downstream = monitor.Downstream.FirstOrDefault(known => known.ProjectId == projectId && known.PipelineId == pipelineId);
        if (downstream is null)
        {
            monitor.Downstream.Add(
                new TrackedDownstream
                {
                    ProjectId = projectId,
                    PipelineId = pipelineId,
                    Status = status,
                    BridgeName = bridgeName,
                }
            );
            return true;
        }

        if (bridgeName.Length > 0)
        {
            downstream.BridgeName = bridgeName;
        }

        if (HasEnded(downstream.Status) || downstream.Status == status)
        {
            return false;
        }

        downstream.Status = status;
        return true;
    }
}
