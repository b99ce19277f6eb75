using System.Text.RegularExpressions;

namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// An added TODO or FIXME that points nowhere: no issue (<c>#12</c>, <c>!3</c>, <c>ABC-123</c>), link or owner
/// (<c>TODO(alice)</c>, <c>@alice</c>). Those are the ones nobody comes back to.
/// </summary>
public sealed partial class UnreferencedTodoRule : IReviewRule
{
    public const string RuleId = "todo-without-reference";

    public string Id => RuleId;

    public IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files) =>
        from file in files
        from line in file.AddedLines
        let todo = Todo().Match(line.Text)
        where todo.Success && !Reference().IsMatch(line.Text[todo.Index..])
        select new ReviewFinding(
            file.Path,
            line.NewLine,
            FindingSides.New,
            FindingSeverities.Info,
            RuleId,
            $"A {todo.Value} without a reference. Open an issue and name it here (for example `{todo.Value}(#123)`), or do it now."
        );

    [GeneratedRegex(@"\b(?:TODO|FIXME)\b")]
    private static partial Regex Todo();

    [GeneratedRegex(@"#\d+|![0-9]+|\b[A-Z][A-Z0-9]+-\d+\b|https?://|@\w+|^(?:TODO|FIXME)\s*\(\s*[\w.-]+\s*\)")]
    private static partial Regex Reference();
}
