namespace GitLabBus.Contracts;

/// <summary>
/// A backlog was applied (or, with <see cref="DryRun"/>, planned): the gitlab_client_service contract's <c>ApplyBacklogResponse</c> — one
/// result per
/// item that went through, one error per item GitLab refused — plus warnings (unknown labels ignored, links not made).
/// <see cref="Reused"/> when an earlier apply of the same prompt answered and nothing was written.
/// </summary>
public record BacklogApplied
{
    public string OperationId { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string PromptId { get; init; } = "";
    public bool DryRun { get; init; }
    public bool Reused { get; init; }
    public IReadOnlyList<BacklogItemResult> Epics { get; init; } = [];
    public IReadOnlyList<BacklogItemResult> Issues { get; init; } = [];
    public IReadOnlyList<BacklogItemError> Errors { get; init; } = [];
    public IReadOnlyList<BacklogItemWarning> Warnings { get; init; } = [];

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>
/// What happened to the input at <see cref="InputIndex"/>: <see cref="Action"/> <c>created</c>, <c>updated</c> or
/// <c>unchanged</c>; GitLab's id and URL (<c>(pending)</c> for an item a dry run would create).
/// </summary>
public record BacklogItemResult(int InputIndex, string Action, string Id, string WebUrl);

/// <summary>An item GitLab refused; <see cref="Scope"/> is <c>epic</c> or <c>issue</c>.</summary>
public record BacklogItemError(string Scope, int InputIndex, string Message, int? GitLabStatus);

/// <summary>Something ignored on an item that was still applied (an unknown label, an epic link that could not be made).</summary>
public record BacklogItemWarning(string Scope, int InputIndex, string Message);
