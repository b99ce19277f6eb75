namespace GitLabBus.Contracts;

/// <summary>
/// Apply a reviewed backlog to a GitLab project (the gitlab_client_service contract's <c>ApplyBacklogRequest</c>): epics first, then
/// issues; an
/// item with an <see cref="BacklogEpicInput.Id"/> is updated where it differs, one without is created. The
/// <c>backlog-apply</c> saga (correlated by <see cref="OperationId"/>) runs it and ends with <see cref="BacklogApplied"/>
/// or <see cref="BacklogApplyFailed"/>. The same <see cref="PromptId"/> for the same project within
/// <c>IDEMPOTENCY_TTL_SECONDS</c> answers the first apply's response and writes nothing.
/// </summary>
public record BacklogApplyRequested
{
    /// <summary>A GUID: the operation reporting progress and the saga's correlation id.</summary>
    public string OperationId { get; init; } = "";

    /// <summary>A numeric id or a path, as GitLab's <c>:id</c> takes.</summary>
    public string ProjectId { get; init; } = "";

    /// <summary>The generation this backlog came from: the idempotency key.</summary>
    public string PromptId { get; init; } = "";

    /// <summary>The caller's own id for the project, carried into logs only (that contract's <c>internal_project_id</c>).</summary>
    public string? InternalProjectId { get; init; }

    public IReadOnlyList<BacklogEpicInput> Epics { get; init; } = [];
    public IReadOnlyList<BacklogIssueInput> Issues { get; init; } = [];

    /// <summary>Compute the plan (<c>created</c>, <c>updated</c>, <c>unchanged</c> per item) and write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>An epic of the backlog: <see cref="Id"/> (GitLab's epic id, as the backlog lists it) to update one, null to create
/// one.</summary>
public record BacklogEpicInput
{
    public string? Id { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Labels { get; init; } = [];
}

/// <summary>
/// An issue of the backlog. <see cref="EpicId"/> links it to an epic: an existing epic's id, or <c>new:&lt;n&gt;</c> for
/// the epic at input index n of the same request; null leaves an existing issue's epic as it is.
/// </summary>
public record BacklogIssueInput : BacklogEpicInput
{
    public string? EpicId { get; init; }
}
