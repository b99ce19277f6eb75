namespace GitLabBus.Contracts;

/// <summary>A pipeline changed status (GitLab's Pipeline Hook).</summary>
public record PipelineStatusChanged
{
    public Guid DeliveryId { get; init; }
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }
    public long? PipelineIid { get; init; }
    public string Status { get; init; } = "";
    public string Ref { get; init; } = "";
    public string Sha { get; init; } = "";
    public bool Tag { get; init; }
    public string? Source { get; init; }
    public IReadOnlyList<string> Stages { get; init; } = [];
    public IReadOnlyList<PipelineJobSummary> Jobs { get; init; } = [];
    public long? MergeRequestIid { get; init; }

    /// <summary>Set for a child or downstream pipeline: the pipeline that started it.</summary>
    public long? UpstreamProjectId { get; init; }
    public long? UpstreamPipelineId { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public double? DurationSeconds { get; init; }
    public string? Url { get; init; }

    /// <summary>The organisation whose GitLab sent the hook (its webhook endpoint); null for the served GitLab.</summary>
    public string? OrgId { get; init; }
}

/// <summary>One job of a pipeline as the Pipeline Hook (or GitLab's jobs API) lists it.</summary>
public record PipelineJobSummary(long Id, string Name, string Stage, string Status, bool AllowFailure, double? DurationSeconds = null);
