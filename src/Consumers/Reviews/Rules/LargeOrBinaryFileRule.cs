namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// A binary file added or changed, or a text file that adds more than <see cref="MaxAddedLines"/> lines or
/// <see cref="MaxAddedCharacters"/> characters: generated output, a dump or a vendored library, rarely meant to be reviewed
/// or versioned as source. Removals are fine.
/// </summary>
public sealed class LargeOrBinaryFileRule : IReviewRule
{
    public const string RuleId = "large-or-binary-file";
    public const int MaxAddedLines = 2_000;
    public const int MaxAddedCharacters = 500_000;

    public string Id => RuleId;

    public IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files)
    {
        foreach (var file in files.Where(file => !file.DeletedFile))
        {
            if (file.Binary)
            {
                yield return Finding(
                    file,
                    "A binary file is committed. If it is a build output or a large asset, keep it out of "
                        + "the repository (an artifact, a package registry or Git LFS); if it belongs here, say why in the description."
                );
                continue;
            }

            var added = file.AddedLines.ToList();
            if (added.Count > MaxAddedLines || added.Sum(line => line.Text.Length + 1) > MaxAddedCharacters)
            {
                yield return Finding(
                    file,
                    $"This file adds {added.Count:N0} lines. If it is generated or vendored, generate it in the "
                        + "build or mark it as generated (`.gitattributes`: `linguist-generated`) so reviews skip it; if not, split it."
                );
            }
        }
    }

    private static ReviewFinding Finding(ChangedFile file, string message) =>
        new(file.Path, null, FindingSides.New, FindingSeverities.Warning, RuleId, message);
}
