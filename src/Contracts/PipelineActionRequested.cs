namespace GitLabBus.Contracts;

/// <summary>
/// A change in GitLab on a pipeline, a job or an environment (<see cref="TargetId"/> names which, as <see cref="Action"/>
/// says). Answered with <see cref="GitLabResource"/> or <see cref="RequestRefused"/>.
/// </summary>
public record PipelineActionRequested
{
    public long ProjectId { get; init; }
    public PipelineAction Action { get; init; }
    public long TargetId { get; init; }

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

public enum PipelineAction
{
    CancelPipeline,
    RetryPipeline,
    RetryJob,
    CancelJob,
    PlayJob,
    StopEnvironment,
}
