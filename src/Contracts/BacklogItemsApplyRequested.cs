namespace GitLabBus.Contracts;

/// <summary>
/// One step of a backlog apply, asked by the <c>backlog-apply</c> saga of the <c>backlog-apply-items</c> consumer: the
/// epics (<see cref="Scope"/> <c>epic</c>) or the issues (<c>issue</c>, with <see cref="EpicResults"/> so that
/// <c>new:&lt;n&gt;</c> links resolve). Answered with <see cref="BacklogItemsApplied"/>.
/// </summary>
public record BacklogItemsApplyRequested
{
    public string OperationId { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string PromptId { get; init; } = "";
    public string Scope { get; init; } = "";
    public IReadOnlyList<BacklogEpicInput> Epics { get; init; } = [];
    public IReadOnlyList<BacklogIssueInput> Issues { get; init; } = [];
    public IReadOnlyList<BacklogItemResult> EpicResults { get; init; } = [];
    public bool DryRun { get; init; }
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>
/// A step's outcome: per item results, errors and warnings; or <see cref="Failure"/> when the step could not run at all;
/// or <see cref="Earlier"/> when another operation already applied this prompt (its answer, nothing written).
/// </summary>
public record BacklogItemsApplied
{
    public string OperationId { get; init; } = "";
    public string Scope { get; init; } = "";
    public IReadOnlyList<BacklogItemResult> Results { get; init; } = [];
    public IReadOnlyList<BacklogItemError> Errors { get; init; } = [];
    public IReadOnlyList<BacklogItemWarning> Warnings { get; init; } = [];
    public BacklogApplyFailure? Failure { get; init; }
    public BacklogApplied? Earlier { get; init; }
}

/// <summary>Why a step could not run: the contract's error code, a message for the caller, GitLab's status.</summary>
public record BacklogApplyFailure(string Code, string Message, int? GitLabStatus);
