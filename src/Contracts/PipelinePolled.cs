namespace GitLabBus.Contracts;

/// <summary>The pipeline as GitLab's API showed it: its status, every current job, and its downstream pipelines.</summary>
public record PipelinePolled
{
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }

    /// <summary>False when GitLab no longer has the pipeline (deleted): the monitor ends it as <c>deleted</c>.</summary>
    public bool Found { get; init; } = true;
    public string Status { get; init; } = "";
    public string Ref { get; init; } = "";
    public string Sha { get; init; } = "";
    public string? WebUrl { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public double? DurationSeconds { get; init; }
    public IReadOnlyList<PipelineJobSummary> Jobs { get; init; } = [];
    public IReadOnlyList<DownstreamPipeline> Downstream { get; init; } = [];

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A pipeline a bridge (trigger job) started: a child pipeline, or one in another project.</summary>
public record DownstreamPipeline(long ProjectId, long PipelineId, string Status, string BridgeName);
