using GitLabBus.Consumers.Reviews.Rules;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// The built-in reviewer: offline, deterministic, and the same on every replica, so a redelivered review finds the same
/// findings. Rules a project turned off (<c>review.rules</c> in <c>.gitlabbus.yml</c>) do not run.
/// </summary>
public sealed class RulesReviewer
{
    public static readonly IReadOnlyList<IReviewRule> All =
    [
        new CommittedSecretRule(),
        new ConflictMarkerRule(),
        new DebugOutputRule(),
        new UnreferencedTodoRule(),
        new LargeOrBinaryFileRule(),
        new MissingTestsRule(),
    ];

    public static IReadOnlySet<string> RuleIds { get; } = All.Select(rule => rule.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>Findings in file order, then line order; at most one per rule and line.</summary>
    public static IReadOnlyList<ReviewFinding> Review(IReadOnlyList<ChangedFile> files, IReadOnlySet<string> turnedOff)
    {
        var order = files.Select((file, index) => (file.Path, index)).DistinctBy(each => each.Path).ToDictionary();
        return
        [
            .. All.Where(rule => !turnedOff.Contains(rule.Id))
                .SelectMany(rule => rule.Check(files))
                .DistinctBy(finding => (finding.Path, finding.Line, finding.Rule))
                .OrderBy(finding => order.GetValueOrDefault(finding.Path))
                .ThenBy(finding => finding.Line ?? int.MaxValue),
        ];
    }
}
