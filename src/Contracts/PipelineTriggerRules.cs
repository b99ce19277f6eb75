using System.Text.RegularExpressions;

namespace GitLabBus.Contracts;

/// <summary>
/// What GitLab would refuse in a pipeline request, checked before it reaches GitLab: by the gateway (a 400) and by the
/// consumer (a message from another system that breaks them goes to <c>_error</c> with the reason).
/// </summary>
public static partial class PipelineTriggerRules
{
    public const int MaxVariables = 200;
    public static readonly IReadOnlySet<string> VariableTypes = new HashSet<string>(StringComparer.Ordinal) { "env_var", "file" };

    /// <summary>The first problem found, in words for the caller, or null.</summary>
    public static string? Problem(PipelineTriggered request) =>
        request.OperationId.Length is 0 or > 128 ? "operation_id must be 1 to 128 characters"
        : request.ProjectId <= 0 ? "project_id must be a positive GitLab project id"
        : request.OrgId is { } org && !OrgScope.IsValidId(org) ? $"org_id must be {OrgScope.IdRule}"
        : RefProblem(request.Ref)
            ?? (
                request.Variables.Count > MaxVariables ? $"at most {MaxVariables} variables"
                : request.TriggerTokenRef is not null && request.Variables.Any(v => v?.VariableType == "file")
                    ? "GitLab's trigger API takes no file variables"
                : request.Variables.Select(VariableProblem).FirstOrDefault(problem => problem is not null)
            );

    /// <summary>Git's rules for a branch or tag name (git check-ref-format), which GitLab applies to <c>ref</c>.</summary>
    public static string? RefProblem(string? gitRef) =>
        string.IsNullOrWhiteSpace(gitRef) ? "ref must name a branch or tag"
        : gitRef.Length > 255 ? "ref must be at most 255 characters"
        : InvalidRef().IsMatch(gitRef)
        || gitRef.StartsWith('/')
        || gitRef.EndsWith('/')
        || gitRef.EndsWith(".lock", StringComparison.Ordinal)
        || gitRef.EndsWith('.')
            ? $"ref '{gitRef}' is not a valid branch or tag name"
        : null;

    private static string? VariableProblem(PipelineVariable variable) =>
        variable is null ? "variables must be objects with key, value and variable_type"
        : string.IsNullOrEmpty(variable.Key) || variable.Key.Length > 255 || !VariableKey().IsMatch(variable.Key)
            ? $"variable key '{variable.Key}' must be 1 to 255 letters, digits or '_'"
        : variable.Value is null ? $"variable {variable.Key} needs a value"
        : !VariableTypes.Contains(variable.VariableType)
            ? $"variable {variable.Key}: variable_type must be env_var or file, not '{variable.VariableType}'"
        : null;

    [GeneratedRegex(@"[\x00-\x20\x7F~^:?*\[\\]|\.\.|//|@\{|^@$|/\.")]
    private static partial Regex InvalidRef();

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex VariableKey();
}
