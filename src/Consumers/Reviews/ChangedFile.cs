using System.Text.RegularExpressions;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.Reviews;

/// <summary>How a line of a diff relates to the two sides: GitLab positions an inline comment by these numbers.</summary>
public enum DiffLineKind
{
    Context,
    Added,
    Removed,
}

/// <summary>One line of a hunk, with its number on the old side, the new side, or both (context).</summary>
public sealed record DiffLine(DiffLineKind Kind, int? OldLine, int? NewLine, string Text);

/// <summary>
/// A file of a merge request's latest version as a reviewer reads it: its paths, what happened to it, and the lines of
/// its hunks numbered as GitLab numbers them.
/// </summary>
public sealed partial record ChangedFile(string OldPath, string NewPath, bool NewFile, bool RenamedFile, bool DeletedFile)
{
    public IReadOnlyList<DiffLine> Lines { get; init; } = [];

    /// <summary>GitLab shows no text diff for it ("Binary files … differ" or a binary patch).</summary>
    public bool Binary { get; init; }

    /// <summary>GitLab marks it generated (<c>generated_file</c>, from <c>.gitattributes</c>'s <c>linguist-generated</c>).</summary>
    public bool Generated { get; init; }

    /// <summary>The raw diff, as a reviewer would read it.</summary>
    public string Text { get; init; } = "";

    public string Path => DeletedFile ? OldPath : NewPath;

    public IEnumerable<DiffLine> AddedLines => Lines.Where(line => line.Kind == DiffLineKind.Added);

    /// <summary>
    /// Reads GitLab's <c>diff</c> text: hunk headers give the starting numbers, then each line is context (space), added
    /// (+) or removed (-); "\ No newline at end of file" belongs to no side. Written here because no package served here
    /// parses unified diffs, and the numbers must be GitLab's exactly for a position to be accepted.
    /// </summary>
    public static ChangedFile From(GitLabDiff diff)
    {
        var lines = new List<DiffLine>();
        int oldLine = 0,
            newLine = 0;
        var inHunk = false;
        foreach (var raw in diff.Diff.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (HunkHeader().Match(line) is { Success: true } header)
            {
                (oldLine, newLine, inHunk) = (int.Parse(header.Groups[1].Value), int.Parse(header.Groups[2].Value), true);
                continue;
            }

            if (!inHunk || line.Length == 0)
            {
                continue;
            }

            switch (line[0])
            {
                case '+':
                    lines.Add(new DiffLine(DiffLineKind.Added, null, newLine++, line[1..]));
                    break;
                case '-':
                    lines.Add(new DiffLine(DiffLineKind.Removed, oldLine++, null, line[1..]));
                    break;
                case ' ':
                    lines.Add(new DiffLine(DiffLineKind.Context, oldLine++, newLine++, line[1..]));
                    break;
            }
        }

        return new ChangedFile(diff.OldPath, diff.NewPath, diff.NewFile, diff.RenamedFile, diff.DeletedFile)
        {
            Lines = lines,
            Binary = diff.Diff.StartsWith("Binary files ", StringComparison.Ordinal) || diff.Diff.Contains("GIT binary patch"),
            Generated = diff.GeneratedFile,
            Text = diff.Diff,
        };
    }

    [GeneratedRegex(@"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")]
    private static partial Regex HunkHeader();
}
