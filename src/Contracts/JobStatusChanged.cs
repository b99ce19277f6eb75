namespace GitLabBus.Contracts;

/// <summary>A CI job changed status (GitLab's Job Hook, <c>object_kind: build</c>).</summary>
public record JobStatusChanged
{
    public Guid DeliveryId { get; init; }
    public long ProjectId { get; init; }
    public long JobId { get; init; }
    public long PipelineId { get; init; }
    public string Name { get; init; } = "";
    public string Stage { get; init; } = "";
    public string Status { get; init; } = "";
    public string Ref { get; init; } = "";
    public string Sha { get; init; } = "";
    public bool AllowFailure { get; init; }
    public string? FailureReason { get; init; }
    public int? RetriesCount { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public double? DurationSeconds { get; init; }

    /// <summary>The organisation whose GitLab sent the hook (its webhook endpoint); null for the served GitLab.</summary>
    public string? OrgId { get; init; }
}
