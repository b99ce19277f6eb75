using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Consumers.Backlog;

/// <summary>What a step request (the saga's, or another system's) must name before the apply consumer runs it.</summary>
public sealed class BacklogItemsApplyRequestRules : IMessageRules<BacklogItemsApplyRequested>
{
    public string? Problem(BacklogItemsApplyRequested message) =>
        message.Scope is not (BacklogApplyRules.EpicScope or BacklogApplyRules.IssueScope)
            ? "scope must be epic or issue"
            : BacklogApplyRules.Problem(
                message.OperationId,
                message.ProjectId,
                message.PromptId,
                message.Epics,
                message.Issues,
                message.Scope == BacklogApplyRules.EpicScope ? message.Epics?.Count ?? 0 : BacklogApplyRules.MaxItems
            );
}

/// <summary>What an apply's end must name before it is recorded under its prompt and operation.</summary>
public sealed class BacklogApplyEndRules : IMessageRules<BacklogApplied>, IMessageRules<BacklogApplyFailed>
{
    public string? Problem(BacklogApplied message) => Problem(message.OperationId, message.ProjectId, message.PromptId);

    public string? Problem(BacklogApplyFailed message) =>
        Problem(message.OperationId, message.ProjectId, message.PromptId)
        ?? (string.IsNullOrWhiteSpace(message.Code) ? "code is required" : null);

    private static string? Problem(string operationId, string projectId, string promptId) =>
        !Guid.TryParse(operationId, out _) ? "operation_id must be a GUID"
        : !ProjectNames.IsIdOrPath(projectId) ? "project_id must be a numeric id or a namespace/project path"
        : BacklogApplyRules.PromptIdProblem(promptId);
}

/// <summary>An admission request (the gateway's, or another system's) carries an apply that keeps the rules.</summary>
public sealed class BacklogApplyAdmissionRules : IMessageRules<BacklogApplyAdmissionRequested>
{
    public string? Problem(BacklogApplyAdmissionRequested message) =>
        message.Apply is null ? "apply is required" : BacklogApplyRules.Problem(message.Apply);
}
