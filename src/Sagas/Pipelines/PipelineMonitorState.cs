using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.Pipelines;

/// <summary>
/// One monitored pipeline. Every field comes from messages (never from the clock), so a replay of the journal
/// rebuilds the same instance. GitLab's statuses never move back once final; see <see cref="PipelineObservations"/>.
/// </summary>
public sealed class PipelineMonitorState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }

    public long ProjectId { get; set; }
    public long PipelineId { get; set; }

    /// <summary>The organisation whose GitLab the pipeline is at (polls go there); null for the served GitLab.</summary>
    public string? OrgId { get; set; }
    public string Ref { get; set; } = "";
    public string Sha { get; set; } = "";
    public string? WebUrl { get; set; }

    /// <summary>GitLab's status as last observed; empty until the first observation that names one.</summary>
    public string Status { get; set; } = "";

    /// <summary>The trigger operation when we created the pipeline.</summary>
    public string? OperationId { get; set; }
    public long? UpstreamProjectId { get; set; }
    public long? UpstreamPipelineId { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public double? DurationSeconds { get; set; }

    public List<TrackedJob> Jobs { get; set; } = [];
    public List<TrackedDownstream> Downstream { get; set; } = [];

    /// <summary>Observations from webhooks and from polls, for operators wondering which ones arrived.</summary>
    public int WebhookUpdates { get; set; }
    public int Polls { get; set; }

    /// <summary>Polls in a row that found nothing new: the next poll waits twice as long, up to the maximum.</summary>
    public int QuietPolls { get; set; }

    /// <summary>A poll answered after the pipeline became final: its bridges are known, so downstream pipelines are too.</summary>
    public bool Settled { get; set; }

    /// <summary><c>success</c>, <c>failed</c>, ... once the monitor ended, or its own <c>timed_out</c> / <c>deleted</c>.</summary>
    public string? Outcome { get; set; }

    public Guid? PollToken { get; set; }
    public Guid? MaxWaitToken { get; set; }
    public Guid? ForgetToken { get; set; }
}

public sealed class TrackedJob
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Stage { get; set; } = "";
    public string Status { get; set; } = "";
    public bool AllowFailure { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public double? DurationSeconds { get; set; }

    public PipelineJobSummary ToSummary() => new(Id, Name, Stage, Status, AllowFailure, DurationSeconds);
}

public sealed class TrackedDownstream
{
    public long ProjectId { get; set; }
    public long PipelineId { get; set; }
    public string Status { get; set; } = "";
    public string BridgeName { get; set; } = "";

    /// <summary>Its own monitor was asked for, so it is not asked for twice.</summary>
    public bool MonitorRequested { get; set; }

    public DownstreamPipeline ToContract() => new(ProjectId, PipelineId, Status, BridgeName);
}
