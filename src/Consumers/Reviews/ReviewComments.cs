using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GitLabBus.Consumers.Reviews.Rules;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// Every text a review writes on GitLab, in one place: the summary (one per merge request, edited in place), a finding's
/// thread, and the answers to commands. Each carries a hidden marker by which the next attempt finds it before writing it
/// again; only the service's own notes count.
/// </summary>
public static class ReviewComments
{
    public const string SummaryMarker = "<!-- gitlabbus:review -->";
    private const string FindingMarkerStart = "<!-- gitlabbus:finding:";
    private const string AnswerMarkerStart = "<!-- gitlabbus:answer:";
    public const string OutlineStart = "<!-- gitlabbus:describe -->";
    public const string OutlineEnd = "<!-- gitlabbus:describe:end -->";

    /// <summary>
    /// A finding's identity on a merge request: its rule, file, side and the text of its line (not the number: a push above
    /// it moves the number, not the finding), so a finding already posted is never posted again.
    /// </summary>
    public static string FindingKey(ReviewFinding finding, string lineText)
    {
        var identity = $"{finding.Rule}\n{finding.Path}\n{finding.Side}\n{lineText.Trim()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
    }

    public static string FindingMarker(string key) => $"{FindingMarkerStart}{key} -->";

    /// <summary>The finding key a note carries, or null.</summary>
    public static string? FindingKeyIn(string body)
    {
        var at = body.IndexOf(FindingMarkerStart, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + FindingMarkerStart.Length;
        var end = body.IndexOf(" -->", start, StringComparison.Ordinal);
        return end < 0 ? null : body[start..end];
    }

    public static string Finding(ReviewFinding finding, string key) =>
        $"**{Severity(finding.Severity)}** · `{finding.Rule}` — {finding.Message}\n\n{FindingMarker(key)}";

    /// <summary>
    /// The summary: the head it covers and the reviewer, the count by severity, the findings that are not inline (about the
    /// whole change, or a place GitLab refused: linked), what was not read and why, and anything the reviewer could not do.
    /// </summary>
    public static string Summary(ReviewSummary summary)
    {
        var text = new StringBuilder();
        text.AppendLine("### GitLabBus review").AppendLine();
        var counts = summary.Findings.GroupBy(finding => finding.Severity).OrderBy(group => Rank(group.Key)).ToList();
        var found = summary.Findings.Count switch
        {
            0 => "**no findings**",
            1 => "**1 finding**",
            var n => $"**{n} findings**",
        };
        text.Append(CultureInfo.InvariantCulture, $"Reviewed `{Short(summary.HeadSha)}` with the `{summary.Provider}` reviewer: {found}");
        if (counts.Count > 0)
        {
            text.Append(" (").AppendJoin(", ", counts.Select(group => $"{group.Count()} {group.Key}")).Append(')');
        }

        var inline = summary.Findings.Count(finding => finding.DiscussionId is not null);
        text.AppendLine(inline > 0 ? $"; {inline} in the diff as threads." : ".");
        var here = summary.Findings.Where(finding => finding.DiscussionId is null).ToList();
        if (here.Count > 0)
        {
            text.AppendLine().AppendLine("| severity | where | rule | finding |").AppendLine("|---|---|---|---|");
            foreach (var finding in here)
            {
                var where = finding.Line is { } line
                    ? $"[`{finding.Path}:{line}`]({summary.LineUrl(finding.Path, line)})"
                    : $"`{finding.Path}`";
                text.AppendLine(
                    CultureInfo.InvariantCulture,
                    $"| {finding.Severity} | {where} | `{finding.Rule}` | {Cell(finding.Message)} |"
                );
            }
        }

        if (summary.Skipped.Count > 0)
        {
            text.AppendLine()
                .Append(
                    CultureInfo.InvariantCulture,
                    $"**Not read** ({summary.Skipped.Count} file{(summary.Skipped.Count == 1 ? "" : "s")}): "
                )
                .AppendJoin(", ", summary.Skipped.Take(30).Select(file => $"`{file.Path}` ({file.Reason})"))
                .AppendLine(summary.Skipped.Count > 30 ? $", and {summary.Skipped.Count - 30} more." : ".");
        }

        foreach (var note in summary.Notes)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"> {note}");
        }

        text.AppendLine().AppendLine("<sub>Comment `/review` to review again, `/help` for the commands.</sub>").AppendLine();
        return text.Append(SummaryMarker).ToString();
    }

    /// <summary>The marker of the answer to the command note <paramref name="noteId"/>.</summary>
    public static string AnswerMarker(long noteId) => $"{AnswerMarkerStart}{noteId.ToString(CultureInfo.InvariantCulture)} -->";

    public static string AskNeedsModel(long noteId, string provider) =>
        $"**GitLabBus** answers questions with an LLM reviewer, and this one runs the `{provider}` reviewer (offline, no model). "
        + "An administrator can set `REVIEW_PROVIDER` to `openai` or `azure` (with `OAI_BASE_URL`, `OAI_KEY` and the model name).\n\n"
        + AnswerMarker(noteId);

    public static string Answer(long noteId, string answer) =>
        $"{answer}\n\n<sub>Answered by GitLabBus from the diff.</sub>\n\n{AnswerMarker(noteId)}";

    public static string AskFailed(long noteId, string reason) =>
        $"**GitLabBus** could not answer: {reason}. Ask again in a while (a new `/ask` comment).\n\n{AnswerMarker(noteId)}";

    /// <summary>
    /// The description with the change's outline between <see cref="OutlineStart"/> and <see cref="OutlineEnd"/> (replaced
    /// when there, appended when not): an LLM reviewer's <paramref name="summary"/> when there is one, then the files by lines
    /// added and removed, the largest first. Everything else is the author's.
    /// </summary>
    public static string WithOutline(string? description, IReadOnlyList<ChangedFile> files, string headSha, string? summary = null)
    {
        var outline = new StringBuilder();
        var added = files.Sum(file => file.Lines.Count(line => line.Kind == DiffLineKind.Added));
        var removed = files.Sum(file => file.Lines.Count(line => line.Kind == DiffLineKind.Removed));
        outline.AppendLine(OutlineStart).AppendLine("### Outline (GitLabBus)").AppendLine();
        if (!string.IsNullOrWhiteSpace(summary))
        {
            outline.AppendLine(summary.Trim()).AppendLine();
        }

        outline
            .AppendLine(
                CultureInfo.InvariantCulture,
                $"At `{Short(headSha)}`: {files.Count} file{(files.Count == 1 ? "" : "s")}, +{added} −{removed}."
            )
            .AppendLine();
        foreach (var file in files.OrderByDescending(file => file.Lines.Count(line => line.Kind != DiffLineKind.Context)).Take(20))
        {
            var what =
                file.NewFile ? "added"
                : file.DeletedFile ? "deleted"
                : file.RenamedFile ? $"renamed from `{file.OldPath}`"
                : file.Binary ? "binary"
                : "changed";
            var plus = file.Lines.Count(line => line.Kind == DiffLineKind.Added);
            var minus = file.Lines.Count(line => line.Kind == DiffLineKind.Removed);
            outline.AppendLine(CultureInfo.InvariantCulture, $"- `{file.Path}` ({what}, +{plus} −{minus})");
        }

        if (files.Count > 20)
        {
            outline.AppendLine(CultureInfo.InvariantCulture, $"- and {files.Count - 20} more files");
        }

        outline.Append(OutlineEnd);
        var text = description ?? "";
        var start = text.IndexOf(OutlineStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(OutlineEnd, start, StringComparison.Ordinal);
        return start >= 0 && end >= 0
            ? string.Concat(text.AsSpan(0, start), outline.ToString(), text.AsSpan(end + OutlineEnd.Length))
            : (text.Length == 0 ? "" : text.TrimEnd() + "\n\n") + outline;
    }

    public static string Help(long noteId) =>
        """
            **GitLabBus** reviews this merge request on every new commit. Commands, in a comment:

            | command | what it does |
            |---|---|
            | `/review` | review the latest commit again, even if it was reviewed |
            | `/describe` | write a summary of the change into the description, between markers |
            | `/ask <question>` | answer a question about the change, in this thread |
            | `/help` | this list |

            Settings are in `.gitlabbus.yml` on the target branch (`review: enabled, ignore, instructions, rules`).

            """ + AnswerMarker(noteId);

    private static string Severity(string severity) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(severity);

    private static int Rank(string severity) =>
        severity switch
        {
            FindingSeverities.Critical => 0,
            FindingSeverities.Error => 1,
            FindingSeverities.Warning => 2,
            _ => 3,
        };

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}

/// <summary>What a summary says: its head and reviewer, every finding (inline ones with their thread), skipped files, notes.</summary>
public sealed record ReviewSummary(
    string HeadSha,
    string Provider,
    IReadOnlyList<ReviewFindingView> Findings,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyList<string> Notes,
    string ProjectWebUrl
)
{
    public string LineUrl(string path, int line) =>
        $"{ProjectWebUrl}/-/blob/{HeadSha}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}#L{line}";
}
