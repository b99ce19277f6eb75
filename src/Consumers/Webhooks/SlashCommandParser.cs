using System.Text.RegularExpressions;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.Webhooks;

/// <summary>
/// Finds a slash command at the start of a note: <c>/review</c>, <c>/merge --squash</c>. Only the first line
/// counts, and a path such as <c>/docs/setup.md</c> is not a command.
/// </summary>
public static partial class SlashCommandParser
{
    public static SlashCommand? Parse(string? note)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return null;
        }

        var firstLine = note.TrimStart().Split('\n', 2)[0].TrimEnd('\r', ' ', '\t');
        var match = CommandLine().Match(firstLine);
        return match.Success ? new SlashCommand(match.Groups["name"].Value.ToLowerInvariant(), match.Groups["args"].Value.Trim()) : null;
    }

    [GeneratedRegex(@"^/(?<name>[A-Za-z][A-Za-z0-9_-]{0,63})(?:[ \t]+(?<args>.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex CommandLine();
}
