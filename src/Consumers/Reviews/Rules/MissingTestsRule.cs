namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// Source code changed and no test did. One finding about the change as a whole (it has no line: the summary carries it),
/// naming the source files; documentation, configuration and the build are not source here.
/// </summary>
public sealed class MissingTestsRule : IReviewRule
{
    public const string RuleId = "missing-tests";

    private static readonly HashSet<string> SourceExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py",
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".mjs",
        ".cs",
        ".fs",
        ".java",
        ".kt",
        ".go",
        ".rb",
        ".php",
        ".rs",
        ".c",
        ".cc",
        ".cpp",
        ".h",
        ".hpp",
        ".swift",
        ".scala",
        ".vue",
    };

    public string Id => RuleId;

    public IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files)
    {
        if (files.Any(file => IsTest(file.Path) || IsTest(file.OldPath)))
        {
            yield break;
        }

        var sources = files
            .Where(file => !file.DeletedFile && SourceExtensions.Contains(Path.GetExtension(file.Path)) && file.AddedLines.Any())
            .Select(file => file.Path)
            .ToList();
        if (sources.Count == 0)
        {
            yield break;
        }

        var named =
            string.Join(", ", sources.Take(5).Select(path => $"`{path}`")) + (sources.Count > 5 ? $" and {sources.Count - 5} more" : "");
        yield return new ReviewFinding(
            sources[0],
            null,
            FindingSides.New,
            FindingSeverities.Info,
            RuleId,
            $"Source changed without a test changing ({named}). Add or update a test that fails without this change."
        );
    }

    /// <summary>Where test code lives by the common conventions: a test folder, or a test-named file.</summary>
    public static bool IsTest(string path)
    {
        var folders = path.ToLowerInvariant().Split('/').SkipLast(1);
        var name = Path.GetFileNameWithoutExtension(path);
        return folders.Any(folder =>
                folder is "test" or "tests" or "spec" or "specs" or "__tests__" || folder.EndsWith(".tests", StringComparison.Ordinal)
            )
            || name.StartsWith("test_", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("_test", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".test", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".spec", StringComparison.OrdinalIgnoreCase)
            // CartTest.java, CartTests.cs, CartSpec.scala: the suffix starts a word.
            || name.EndsWith("Test", StringComparison.Ordinal)
            || name.EndsWith("Tests", StringComparison.Ordinal)
            || name.EndsWith("Spec", StringComparison.Ordinal);
    }
}
