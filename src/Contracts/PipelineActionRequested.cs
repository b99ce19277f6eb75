namespace GitLabBus.Contracts;

/// <summary>
/// A change in GitLab: <see cref="Action"/> <c>cancel</c> or <c>retry</c> a pipeline, <c>retry</c>, <c>cancel</c> or
/// <c>play</c> a job, <c>stop</c> an environment (<see cref="Target"/> <c>pipeline</c>, <c>job</c>, <c>environment</c>).
/// Answered with <see cref="GitLabResource"/> or <see cref="GitLabRequestRefused"/>.
/// </summary>
public record PipelineActionRequested
{
    public long ProjectId { get; init; }
    public string Target { get; init; } = "";
    public long TargetId { get; init; }
    public string Action { get; init; } = "";

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }
}
