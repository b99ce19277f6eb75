using System.Globalization;

namespace GitLabBus.Contracts;

/// <summary>
/// What a backlog apply must look like, checked before anything reaches GitLab: by the gateway (a 400) and by the
/// bus in front of the saga (a message from another system that breaks them goes to <c>backlog-apply-state_error</c>
/// with the reason).
/// The limits are GitLab's own (titles of 255 characters, descriptions of 1,048,576, no comma inside a label).
/// </summary>
public static class BacklogApplyRules
{
    public const string EpicScope = "epic";
    public const string IssueScope = "issue";
    public const string NewEpicPrefix = "new:";
    public const int MaxItems = 1_000;
    public const int MaxPromptIdLength = 200;

    /// <summary>The first problem found, in words for the caller, or null.</summary>
    public static string? Problem(BacklogApplyRequested request) =>
        request.OrgId is { } org && !OrgScope.IsValidId(org)
            ? $"org_id must be {OrgScope.IdRule}"
            : Problem(request.OperationId, request.ProjectId, request.PromptId, request.Epics, request.Issues, request.Epics?.Count ?? 0);

    /// <param name="epicCount">How many epics the whole request has: <c>new:&lt;n&gt;</c> must name one of them.</param>
    public static string? Problem(
        string operationId,
        string projectId,
        string promptId,
        IReadOnlyList<BacklogEpicInput>? epics,
        IReadOnlyList<BacklogIssueInput>? issues,
        int epicCount
    ) =>
        !Guid.TryParse(operationId, out _) ? "operation_id must be a GUID"
        : !ProjectNames.IsIdOrPath(projectId) ? "project_id must be a numeric id or a namespace/project path"
        : PromptIdProblem(promptId)
            ?? (
                epics is null || issues is null ? "epics and issues must be arrays"
                : epics.Count > MaxItems || issues.Count > MaxItems ? $"at most {MaxItems} epics and {MaxItems} issues in one request"
                : epics.Select((epic, index) => ItemProblem(EpicScope, index, epic)).FirstOrDefault(problem => problem is not null)
                    ?? issues
                        .Select((issue, index) => ItemProblem(IssueScope, index, issue) ?? EpicLinkProblem(index, issue?.EpicId, epicCount))
                        .FirstOrDefault(problem => problem is not null)
            );

    /// <summary>Null when the prompt id can key an apply; the gateway answers <c>idempotency_key_required</c> when it is missing.</summary>
    public static string? PromptIdProblem(string? promptId) =>
        string.IsNullOrWhiteSpace(promptId) ? "prompt_id is required: it makes the apply idempotent"
        : promptId.Length > MaxPromptIdLength || promptId.Any(char.IsControl)
            ? $"prompt_id must be at most {MaxPromptIdLength} printable characters"
        : null;

    /// <summary>The input index of an epic of the same request that <c>new:&lt;n&gt;</c> names, or null for an existing epic's
    /// id.</summary>
    public static int? NewEpicIndex(string epicId) =>
        epicId.StartsWith(NewEpicPrefix, StringComparison.Ordinal)
            ? int.Parse(epicId.AsSpan(NewEpicPrefix.Length), CultureInfo.InvariantCulture)
            : null;

    private static string? ItemProblem(string scope, int index, BacklogEpicInput? item) =>
        item is null ? $"{scope}s[{index}] must be an object"
        : item.Id is not null && !IsGitLabId(item.Id) ? $"{scope}s[{index}].id must be a GitLab {scope} id (digits) or null"
        : string.IsNullOrWhiteSpace(item.Title) ? $"{scope}s[{index}].title is required"
        : item.Title.Length > 255 ? $"{scope}s[{index}].title must be at most 255 characters"
        : item.Description?.Length > 1_048_576 ? $"{scope}s[{index}].description must be at most 1,048,576 characters"
        : item.Labels is null ? null
        : item.Labels.Any(label => string.IsNullOrWhiteSpace(label) || label.Length > 255 || label.Contains(','))
            ? $"{scope}s[{index}].labels must be names of 1 to 255 characters without commas"
        : null;

    private static string? EpicLinkProblem(int index, string? epicId, int epics) =>
        epicId is null || IsGitLabId(epicId) ? null
        : epicId.StartsWith(NewEpicPrefix, StringComparison.Ordinal)
        && int.TryParse(epicId.AsSpan(NewEpicPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var epic)
        && epic < epics
            ? null
        : $"issues[{index}].epic_id must be an epic id or new:<n> naming one of the {epics} epics of this request";

    private static bool IsGitLabId(string raw) => long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0;
}
