namespace GitLabBus.Contracts;

/// <summary>A monitor wants the pipeline's state from GitLab's API (webhooks went quiet, or it is about to finish).</summary>
public record PipelinePollRequested
{
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
