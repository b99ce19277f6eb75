using System.Text.RegularExpressions;

namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// Debugging statements left in, per language (a <c>print(</c> is debug output in a Python module, not in a C file), and
/// outside comments. Python scripts (<c>scripts/</c>, <c>bin/</c>, <c>__main__.py</c>) print on purpose and are left alone.
/// </summary>
public sealed partial class DebugOutputRule : IReviewRule
{
    public const string RuleId = "debug-output";

    private static readonly Dictionary<string, Regex> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = JavaScript(),
        [".jsx"] = JavaScript(),
        [".mjs"] = JavaScript(),
        [".cjs"] = JavaScript(),
        [".ts"] = JavaScript(),
        [".tsx"] = JavaScript(),
        [".vue"] = JavaScript(),
        [".py"] = Python(),
        [".cs"] = CSharp(),
        [".php"] = Php(),
        [".rb"] = Ruby(),
        [".java"] = Java(),
        [".kt"] = Java(),
    };

    public string Id => RuleId;

    public IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files) =>
        from file in files
        where !IsScript(file.Path)
        let pattern = ByExtension.GetValueOrDefault(Path.GetExtension(file.Path))
        where pattern is not null
        from line in file.AddedLines
        where !IsComment(line.Text) && pattern.IsMatch(line.Text)
        select new ReviewFinding(
            file.Path,
            line.NewLine,
            FindingSides.New,
            FindingSeverities.Warning,
            RuleId,
            "Debug output left in. Remove it, or log through the project's logger at the right level if it should stay."
        );

    private static bool IsScript(string path) =>
        path.EndsWith(".py", StringComparison.OrdinalIgnoreCase)
        && (
            path.StartsWith("scripts/", StringComparison.Ordinal)
            || path.StartsWith("bin/", StringComparison.Ordinal)
            || path.Contains("/scripts/", StringComparison.Ordinal)
            || path.EndsWith("__main__.py", StringComparison.Ordinal)
        );

    private static bool IsComment(string text)
    {
        var code = text.TrimStart();
        return code.StartsWith("//", StringComparison.Ordinal) || code.StartsWith('#') || code.StartsWith('*');
    }

    [GeneratedRegex(@"\bconsole\.(?:log|debug|trace|dir)\s*\(|^\s*debugger\s*;?\s*$")]
    private static partial Regex JavaScript();

    [GeneratedRegex(@"^\s*(?:print\s*\(|breakpoint\s*\(\s*\)|(?:i?pdb)\.set_trace\s*\()")]
    private static partial Regex Python();

    [GeneratedRegex(@"\b(?:System\.Diagnostics\.)?(?:Debug\.Write(?:Line)?\s*\(|Debugger\.Break\s*\()")]
    private static partial Regex CSharp();

    [GeneratedRegex(@"(?<![\w>$:])(?:var_dump|print_r|dump|dd)\s*\(")]
    private static partial Regex Php();

    [GeneratedRegex(@"\b(?:binding\.pry|byebug)\b")]
    private static partial Regex Ruby();

    [GeneratedRegex(@"\bSystem\.(?:out|err)\.print(?:ln)?\s*\(|\.printStackTrace\s*\(\s*\)")]
    private static partial Regex Java();
}
