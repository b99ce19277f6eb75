using Microsoft.ML.Tokenizers;

namespace GitLabBus.Consumers.Reviews;

/// <summary>A file a reviewer did not read, and why: the summary lists them all.</summary>
public sealed record SkippedFile(string Path, string Reason);

/// <summary>What a reviewer reads of a merge request: the files that fit the budget, and the rest with the reason.</summary>
public sealed record BudgetedDiff(IReadOnlyList<ChangedFile> Files, IReadOnlyList<SkippedFile> Skipped, int Tokens);

/// <summary>
/// Chooses what an LLM reviewer reads within <c>REVIEW_MAX_DIFF_TOKENS</c>, counted with the o200k tokenizer (GPT-4o's):
/// files a project ignores, lock files, generated and minified files and binaries are left out, then the largest files
/// come first (where most of a change usually is) and each is taken whole or not at all, so that no file is read half.
/// </summary>
public sealed class DiffBudget(int maxTokens)
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    private static readonly HashSet<string> LockFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "Gemfile.lock",
        "poetry.lock",
        "Pipfile.lock",
        "Cargo.lock",
        "composer.lock",
        "go.sum",
        "packages.lock.json",
        "flake.lock",
        "mix.lock",
        "pubspec.lock",
        "uv.lock",
    };

    public const string BinaryReason = "binary";

    public int MaxTokens { get; } = maxTokens;

    public static int CountTokens(string text) => O200k.Value.CountTokens(text);

    /// <summary>Files <paramref name="settings"/> ignores or that are not for reading, with the reason; the others are left.</summary>
    public static (IReadOnlyList<ChangedFile> Readable, IReadOnlyList<SkippedFile> Skipped) Readable(
        IReadOnlyList<ChangedFile> files,
        ReviewRepositorySettings settings
    )
    {
        var readable = new List<ChangedFile>();
        var skipped = new List<SkippedFile>();
        foreach (var file in files)
        {
            var reason =
                settings.Ignores(file.Path) ? $"ignored by {ReviewRepositorySettings.FileName}"
                : LockFiles.Contains(Path.GetFileName(file.Path)) ? "lock file"
                : file.Generated || IsMinified(file.Path) ? "generated"
                : file.Binary ? BinaryReason
                : null;
            if (reason is null)
            {
                readable.Add(file);
            }
            else
            {
                skipped.Add(new SkippedFile(file.Path, reason));
            }
        }

        return (readable, skipped);
    }

    public BudgetedDiff Select(IReadOnlyList<ChangedFile> files, ReviewRepositorySettings settings)
    {
        var (readable, skipped) = Readable(files, settings);
        var chosen = new List<ChangedFile>();
        var over = new List<SkippedFile>();
        var used = 0;
        foreach (var (file, tokens) in readable.Select(file => (file, CountTokens(file.Text))).OrderByDescending(each => each.Item2))
        {
            if (used + tokens <= MaxTokens)
            {
                chosen.Add(file);
                used += tokens;
            }
            else
            {
                over.Add(new SkippedFile(file.Path, $"over the diff budget ({tokens:N0} tokens)"));
            }
        }

        // Read in the merge request's own order: the budget decides what is read, not how it reads.
        var order = files.Select((file, index) => (file, index)).ToDictionary(each => each.file, each => each.index);
        return new BudgetedDiff([.. chosen.OrderBy(file => order[file])], [.. skipped, .. over], used);
    }

    private static bool IsMinified(string path) =>
        path.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".min.css", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".map", StringComparison.OrdinalIgnoreCase);
}
