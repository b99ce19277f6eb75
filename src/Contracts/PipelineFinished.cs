namespace GitLabBus.Contracts;

/// <summary>
/// A monitored pipeline reached a final status, and so did every downstream pipeline it started. <see cref="Status"/>
/// is GitLab's (<c>success</c>, <c>failed</c>, <c>canceled</c>, <c>skipped</c>) or the monitor's own <c>timed_out</c>
/// (no final status within the maximum wait) or <c>deleted</c>.
/// </summary>
public record PipelineFinished
{
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }
    public string Status { get; init; } = "";
    public string Ref { get; init; } = "";
    public string Sha { get; init; } = "";
    public string? OperationId { get; init; }
    public long? UpstreamProjectId { get; init; }
    public long? UpstreamPipelineId { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>GitLab's running time of the pipeline, when it reported one.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>From the pipeline's creation (or the monitor's start) to the monitor's end.</summary>
    public double TotalSeconds { get; init; }
    public IReadOnlyList<PipelineJobSummary> Jobs { get; init; } = [];
    public IReadOnlyList<DownstreamPipeline> Downstream { get; init; } = [];

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
