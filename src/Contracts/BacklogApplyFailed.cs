namespace GitLabBus.Contracts;

/// <summary>
/// A backlog could not be applied at all (project not found, token refused, GitLab unreachable): <see cref="Code"/> is
/// the contract's error code. Items written before the failure stay written and recorded, so the same prompt applied
/// again continues where this one stopped.
/// </summary>
public record BacklogApplyFailed
{
    public string OperationId { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string PromptId { get; init; } = "";
    public string Code { get; init; } = "";
    public string Message { get; init; } = "";
    public int? GitLabStatus { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
