using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Sagas.Backlog;

/// <summary>
/// One backlog apply, correlated by its operation id. Every field comes from messages, so a replay of the journal
/// rebuilds the same instance. The issues wait here while the epics step runs: they need its results to link.
/// </summary>
public sealed class BacklogApplyState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }

    public string OperationId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string PromptId { get; set; } = "";
    public string? InternalProjectId { get; set; }
    public bool DryRun { get; set; }
    public string? CredentialRef { get; set; }
    public string? OrgId { get; set; }
    public List<BacklogIssueInput> Issues { get; set; } = [];

    public List<BacklogItemResult> EpicResults { get; set; } = [];
    public List<BacklogItemResult> IssueResults { get; set; } = [];
    public List<BacklogItemError> Errors { get; set; } = [];
    public List<BacklogItemWarning> Warnings { get; set; } = [];

    /// <summary>Another operation had applied the prompt: its results were answered and nothing was written.</summary>
    public bool Reused { get; set; }

    /// <summary><c>applied</c> or <c>failed</c> once the apply ended.</summary>
    public string? Outcome { get; set; }
    public BacklogApplyFailure? Failure { get; set; }

    public Guid? ExpiryToken { get; set; }
}
