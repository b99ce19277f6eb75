using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.MergeQueue;

/// <summary>
/// One batch of a merge queue, correlated by <see cref="MergeQueueCorrelation.Batch"/>. Every field comes from messages,
/// so a replay of the journal rebuilds the same instance.
/// </summary>
public sealed class MergeBatchState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }

    public Guid QueueId { get; set; }
    public long ProjectId { get; set; }

    /// <summary>The organisation whose GitLab the batch is built at; null for the served GitLab.</summary>
    public string? OrgId { get; set; }
    public string TargetBranch { get; set; } = "";
    public long Number { get; set; }
    public string BaseSha { get; set; } = "";
    public List<BatchCandidate> Candidates { get; set; } = [];
    public int PipelineTimeoutSeconds { get; set; }

    public string HeadSha { get; set; } = "";
    public long? MergeRequestIid { get; set; }
    public List<long> Included { get; set; } = [];
    public long? PipelineId { get; set; }
    public string? PipelineUrl { get; set; }
    public DateTimeOffset? BuiltAt { get; set; }

    /// <summary>The pipeline's end (<c>success</c>, <c>failed</c>, <c>timed_out</c>, ...), or <c>not_built</c>.</summary>
    public string? TestStatus { get; set; }

    /// <summary>How it ended, as <see cref="MergeBatchFinished.Result"/> says.</summary>
    public string? Result { get; set; }
    public List<long> Merged { get; set; } = [];
    public string? TargetSha { get; set; }
    public string? Detail { get; set; }

    public Guid? TimeoutToken { get; set; }

    /// <summary>The queue gave up on it before it was built: it is cleaned up as soon as it is.</summary>
    public bool Discarded { get; set; }

    /// <summary>A pipeline of the batch's branch that ended while the batch was still being built (see the machine).</summary>
    public PipelineFinished? EarlyEnd { get; set; }

    public void Start(MergeBatchStartRequested request)
    {
        (QueueId, ProjectId, TargetBranch, Number, BaseSha) = (
            request.QueueId,
            request.ProjectId,
            request.TargetBranch,
            request.Number,
            request.BaseSha
        );
        OrgId = request.OrgId;
        Candidates = [.. request.Candidates];
        PipelineTimeoutSeconds = request.PipelineTimeoutSeconds;
    }

    public MergeBatchBuildRequested BuildStep() =>
        new()
        {
            BatchId = CorrelationId,
            ProjectId = ProjectId,
            OrgId = OrgId,
            TargetBranch = TargetBranch,
            Number = Number,
            BaseSha = BaseSha,
            Candidates = Candidates,
        };

    public MergeBatchTesting Record(MergeBatchBuilt built)
    {
        (HeadSha, MergeRequestIid, PipelineId, PipelineUrl, BuiltAt) = (
            built.HeadSha,
            built.MergeRequestIid,
            built.PipelineId,
            built.PipelineUrl,
            built.BuiltAt
        );
        Included = [.. built.Included];
        if (built.PipelineId is null)
        {
            TestStatus = Result = "not_built";
            Detail = built.Failure ?? "no merge request of the batch could be merged into it";
        }

        return new MergeBatchTesting
        {
            BatchId = CorrelationId,
            QueueId = QueueId,
            Number = Number,
            HeadSha = built.HeadSha,
            MergeRequestIid = built.MergeRequestIid,
            PipelineId = built.PipelineId,
            PipelineUrl = built.PipelineUrl,
            Included = built.Included,
            Excluded = built.Excluded,
            BuiltAt = built.BuiltAt,
        };
    }

    public MergeBatchTested Tested(string status, IEnumerable<PipelineJobSummary> jobs, DateTimeOffset? finishedAt = null)
    {
        TestStatus = status;
        return new MergeBatchTested
        {
            BatchId = CorrelationId,
            QueueId = QueueId,
            Number = Number,
            Passed = status == "success",
            Status = status,
            PipelineUrl = PipelineUrl,
            FailedJobs = [.. jobs.Where(job => job.Status == "failed" && !job.AllowFailure)],
            Failure = status == "not_built" ? Detail : null,
            FinishedAt = finishedAt,
        };
    }

    public MergeBatchLandRequested LandStep() =>
        new()
        {
            BatchId = CorrelationId,
            ProjectId = ProjectId,
            OrgId = OrgId,
            TargetBranch = TargetBranch,
            Number = Number,
            HeadSha = HeadSha,
            MergeRequestIid = MergeRequestIid ?? 0,
            Included = Included,
        };

    public void Record(MergeBatchLanded landed)
    {
        Result = landed.Outcome switch
        {
            LandingOutcome.Landed => "merged",
            LandingOutcome.TargetMoved => "target_moved",
            _ => "refused",
        };
        (Merged, TargetSha, Detail) = ([.. landed.Merged], landed.TargetSha, landed.Detail);
    }

    public MergeBatchCleanUpRequested CleanUpStep() =>
        new()
        {
            BatchId = CorrelationId,
            ProjectId = ProjectId,
            OrgId = OrgId,
            TargetBranch = TargetBranch,
            Number = Number,
        };

    public MergeBatchFinished Finished(MergeBatchCleanedUp cleanedUp) =>
        new()
        {
            BatchId = CorrelationId,
            QueueId = QueueId,
            ProjectId = ProjectId,
            OrgId = OrgId,
            TargetBranch = TargetBranch,
            Number = Number,
            Result = Result ?? "discarded",
            Merged = Merged,
            TargetSha = TargetSha,
            Detail = Detail,
            FinishedAt = cleanedUp.At,
            BuiltAt = BuiltAt,
        };
}
