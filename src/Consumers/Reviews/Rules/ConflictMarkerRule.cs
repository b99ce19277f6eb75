using System.Text.RegularExpressions;

namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// Leftovers of a merge conflict. <c>=======</c> alone is also a Markdown heading underline, so it counts only in a file
/// that adds a <c>&lt;&lt;&lt;&lt;&lt;&lt;&lt;</c> or <c>&gt;&gt;&gt;&gt;&gt;&gt;&gt;</c> marker too.
/// </summary>
public sealed partial class ConflictMarkerRule : IReviewRule
{
    public const string RuleId = "conflict-marker";

    public string Id => RuleId;

    public IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files)
    {
        foreach (var file in files)
        {
            var added = file.AddedLines.ToList();
            var sided = added.Where(line => SideMarker().IsMatch(line.Text)).ToList();
            if (sided.Count == 0)
            {
                continue;
            }

            foreach (var line in added.Where(line => sided.Contains(line) || line.Text.TrimEnd() == "======="))
            {
                yield return new ReviewFinding(
                    file.Path,
                    line.NewLine,
                    FindingSides.New,
                    FindingSeverities.Error,
                    RuleId,
                    "A merge conflict marker was committed. Resolve the conflict in this file (keep the right side, drop the "
                        + "markers) and check that it still builds."
                );
            }
        }
    }

    [GeneratedRegex(@"^(?:<{7}|>{7})(?: |$)")]
    private static partial Regex SideMarker();
}
