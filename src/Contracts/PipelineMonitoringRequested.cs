namespace GitLabBus.Contracts;

/// <summary>
/// Follow this pipeline until it is final: starts a monitor, or resumes a finished one (after a retry, which makes a
/// finished pipeline run again). Published for downstream pipelines a monitor discovers, and open to other systems.
/// </summary>
public record PipelineMonitoringRequested
{
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }

    /// <summary>Set for a child or downstream pipeline: the pipeline whose bridge started it.</summary>
    public long? UpstreamProjectId { get; init; }
    public long? UpstreamPipelineId { get; init; }

    /// <summary>Why, for the journal and the logs: <c>downstream</c>, <c>retried</c>, <c>requested</c>.</summary>
    public string Reason { get; init; } = "requested";

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
