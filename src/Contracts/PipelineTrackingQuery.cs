namespace GitLabBus.Contracts;

/// <summary>
/// What the pipeline monitor knows of a pipeline (<c>tracked_state</c>), asked of the sagas role: answered with
/// <see cref="PipelineTracking"/>, or <see cref="RequestRefused"/> (<c>not_found</c>) when no monitor tracks it.
/// </summary>
/// <param name="OrgId">The organisation whose GitLab the pipeline is at; null for the served GitLab (<see cref="OrgScope"/>).</param>
public record PipelineTrackingQuery(long ProjectId, long PipelineId, string? OrgId = null);

/// <summary>The monitor's view of a pipeline: its projection, owned by the saga, so its shape is this record's, not the saga's.</summary>
/// <param name="Status">The outcome once the monitor ended, else GitLab's status as last observed.</param>
/// <param name="State">The monitor's own state (<c>Monitoring</c>, <c>Finished</c>, ...).</param>
public record PipelineTracking(
    string Status,
    string State,
    Guid CorrelationId,
    IReadOnlyList<TrackedPipelineJob> Jobs,
    IReadOnlyList<DownstreamPipeline> Downstream,
    DateTimeOffset? FinishedAt,
    int WebhookUpdates,
    int Polls
);

public record TrackedPipelineJob(
    long Id,
    string Name,
    string Stage,
    string Status,
    bool AllowFailure,
    string? FailureReason,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds
);
