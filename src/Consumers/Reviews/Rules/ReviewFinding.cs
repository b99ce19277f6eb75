namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>How much a finding matters, as the summary and the metrics name it.</summary>
public static class FindingSeverities
{
    public const string Critical = "critical";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";
}

/// <summary>Which side of the diff a finding's line is on: <c>new</c> for added and context lines, <c>old</c> for removed ones.</summary>
public static class FindingSides
{
    public const string New = "new";
    public const string Old = "old";
}

/// <summary>
/// Something a reviewer found: at a line of a file (posted inline), or about the change as a whole (<see cref="Line"/> null:
/// in the summary only). The message says what to do and never quotes a secret.
/// </summary>
public sealed record ReviewFinding(string Path, int? Line, string Side, string Severity, string Rule, string Message);
