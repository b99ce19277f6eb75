using System.Globalization;
using System.Text.RegularExpressions;

namespace GitLabBus.Simulator.Git;

/// <summary>One line of a unified diff's hunks: an added line has only <see cref="New"/>, a removed one only <see cref="Old"/>.</summary>
public sealed record DiffLine(int? Old, int? New, string Text);

/// <summary>
/// The lines of a diff's hunks with their numbers on each side, read from git's unified diff text (what a diff position
/// points at). Reading the hunk headers is all it does; the diff itself comes from libgit2.
/// </summary>
public static partial class DiffLines
{
    [GeneratedRegex(@"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")]
    private static partial Regex HunkHeader();

    public static IEnumerable<DiffLine> Parse(string diff)
    {
        int oldLine = 0,
            newLine = 0;
        foreach (var line in diff.Split('\n'))
        {
            if (HunkHeader().Match(line) is { Success: true } header)
            {
                oldLine = int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture);
                newLine = int.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture);
                continue;
            }

            switch (line.FirstOrDefault())
            {
                case '+':
                    yield return new DiffLine(null, newLine++, line[1..]);
                    break;
                case '-':
                    yield return new DiffLine(oldLine++, null, line[1..]);
                    break;
                case ' ':
                    yield return new DiffLine(oldLine++, newLine++, line[1..]);
                    break;
            }
        }
    }
}
