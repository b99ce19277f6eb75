using GitLabBus.Contracts;

namespace GitLabBus.Sagas.Backlog;

/// <summary>What the apply saga asks for and what it keeps of each answer.</summary>
public static class BacklogApplySteps
{
    public static void Start(this BacklogApplyState apply, BacklogApplyRequested request)
    {
        apply.OperationId = request.OperationId;
        apply.ProjectId = request.ProjectId;
        apply.PromptId = request.PromptId;
        apply.InternalProjectId = request.InternalProjectId;
        apply.DryRun = request.DryRun;
        apply.CredentialRef = request.CredentialRef;
        apply.OrgId = request.OrgId;
        apply.Issues = [.. request.Issues];
    }

    /// <summary>The epics travel in the request itself (and again in a redelivered one); they are not kept.</summary>
    public static BacklogItemsApplyRequested EpicsStep(this BacklogApplyState apply, IReadOnlyList<BacklogEpicInput> epics) =>
        Step(apply, BacklogApplyRules.EpicScope) with
        {
            Epics = epics,
        };

    public static BacklogItemsApplyRequested IssuesStep(this BacklogApplyState apply) =>
        Step(apply, BacklogApplyRules.IssueScope) with
        {
            Issues = apply.Issues,
            EpicResults = apply.EpicResults,
        };

    public static void Record(this BacklogApplyState apply, BacklogItemsApplied step)
    {
        if (step.Scope == BacklogApplyRules.EpicScope)
        {
            apply.EpicResults = [.. step.Results];
        }
        else
        {
            apply.IssueResults = [.. step.Results];
            apply.Issues = [];
            apply.Outcome = "applied";
        }

        apply.Errors.AddRange(step.Errors);
        apply.Warnings.AddRange(step.Warnings);
    }

    public static void Reuse(this BacklogApplyState apply, BacklogApplied earlier)
    {
        apply.Reused = true;
        apply.EpicResults = [.. earlier.Epics];
        apply.IssueResults = [.. earlier.Issues];
        apply.Errors = [.. earlier.Errors];
        apply.Warnings = [.. earlier.Warnings];
        apply.Issues = [];
        apply.Outcome = "applied";
    }

    public static void Fail(this BacklogApplyState apply, BacklogApplyFailure failure)
    {
        apply.Failure = failure;
        apply.Issues = [];
        apply.Outcome = "failed";
    }

    public static BacklogApplied ToApplied(this BacklogApplyState apply) =>
        new()
        {
            OperationId = apply.OperationId,
            ProjectId = apply.ProjectId,
            OrgId = apply.OrgId,
            PromptId = apply.PromptId,
            DryRun = apply.DryRun,
            Reused = apply.Reused,
            Epics = apply.EpicResults,
            Issues = apply.IssueResults,
            Errors = apply.Errors,
            Warnings = apply.Warnings,
        };

    public static BacklogApplyFailed ToFailed(this BacklogApplyState apply, BacklogApplyFailure failure) =>
        new()
        {
            OperationId = apply.OperationId,
            ProjectId = apply.ProjectId,
            OrgId = apply.OrgId,
            PromptId = apply.PromptId,
            Code = failure.Code,
            Message = failure.Message,
            GitLabStatus = failure.GitLabStatus,
        };

    private static BacklogItemsApplyRequested Step(BacklogApplyState apply, string scope) =>
        new()
        {
            OperationId = apply.OperationId,
            ProjectId = apply.ProjectId,
            OrgId = apply.OrgId,
            PromptId = apply.PromptId,
            Scope = scope,
            DryRun = apply.DryRun,
            CredentialRef = apply.CredentialRef,
        };
}
