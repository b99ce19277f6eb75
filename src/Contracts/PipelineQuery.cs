namespace GitLabBus.Contracts;

/// <summary>
/// The gateway's reads of GitLab, answered by the pipelines consumers (the gateway never calls GitLab itself):
/// a pipeline (<see cref="What"/> <c>pipeline</c>), its jobs (<c>jobs</c>) or the project's environments (<c>environments</c>).
/// Answered with <see cref="GitLabResource"/> or <see cref="GitLabRequestRefused"/>.
/// </summary>
public record PipelineQuery
{
    public long ProjectId { get; init; }
    public long? PipelineId { get; init; }
    public string What { get; init; } = "pipeline";

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }
}
