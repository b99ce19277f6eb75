using System.Text.RegularExpressions;

namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// Credentials and private keys in added lines. The finding names the kind of secret and never the secret: the comment is
/// read by everyone with access to the merge request, and a log line lives longer still.
/// </summary>
public sealed partial class CommittedSecretRule : IReviewRule
{
    public const string RuleId = "committed-secret";

    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("a private key", PrivateKey()),
        ("an AWS access key id", AwsAccessKeyId()),
        ("an AWS secret access key", AwsSecretKey()),
        ("a GitLab access token", GitLabToken()),
        ("a GitHub token", GitHubToken()),
        ("a Slack token", SlackToken()),
        ("a Stripe live key", StripeKey()),
        ("a Google API key", GoogleApiKey()),
        ("a password or token", AssignedSecret()),
    ];

    public string Id => RuleId;

    public IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files) =>
        from file in files
        from line in file.AddedLines
        let kind = KindOf(line.Text)
        where kind is not null
        select new ReviewFinding(
            file.Path,
            line.NewLine,
            FindingSides.New,
            FindingSeverities.Critical,
            RuleId,
            $"This line adds what looks like {kind}. Treat it as leaked: revoke or rotate it now, remove it from the branch's "
                + "history (a later commit does not take it out), and read it from the environment or a secret store instead."
        );

    /// <summary>The kind of secret the line holds, or null; documentation's own example keys do not count.</summary>
    public static string? KindOf(string text)
    {
        foreach (var (kind, pattern) in Patterns)
        {
            var match = pattern.Match(text);
            if (match.Success && !IsPlaceholder(match.Groups["value"].Success ? match.Groups["value"].Value : match.Value))
            {
                return kind;
            }
        }

        return null;
    }

    private static bool IsPlaceholder(string value) =>
        value.Contains("EXAMPLE", StringComparison.OrdinalIgnoreCase)
        || value.Contains("changeme", StringComparison.OrdinalIgnoreCase)
        || value.Contains("${", StringComparison.Ordinal)
        || value.Contains("{{", StringComparison.Ordinal)
        || value.StartsWith('<')
        || value.Distinct().Count() < 6;

    [GeneratedRegex(@"-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i)aws_?secret_?access_?key\W{0,5}(?<value>[A-Za-z0-9/+=]{40})\b")]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"\bglpat-[0-9A-Za-z_\-]{20,}")]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abposr]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\b[rs]k_live_[0-9A-Za-z]{24,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z\-_]{35}\b")]
    private static partial Regex GoogleApiKey();

    // A quoted literal of some length assigned to a name that says it is secret; placeholders are left alone above.
    [GeneratedRegex(
        @"(?i)\b\w*?(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|private[_-]?key)\b"
            + @"[""']?\s*[:=]\s*[""'](?<value>[^""'\s]{12,})[""']"
    )]
    private static partial Regex AssignedSecret();
}
