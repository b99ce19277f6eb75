namespace GitLabBus.Contracts;

/// <summary>GitLab created a pipeline we triggered; its monitor starts (or picks up the operation if webhooks came first).</summary>
public record PipelineCreated
{
    public string? OperationId { get; init; }
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }
    public long? PipelineIid { get; init; }
    public string Ref { get; init; } = "";
    public string Sha { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Source { get; init; }
    public string? WebUrl { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
