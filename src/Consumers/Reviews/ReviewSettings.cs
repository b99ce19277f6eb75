using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.Reviews;

/// <param name="Provider"><c>REVIEW_PROVIDER</c>: <c>rules</c> (default, offline); the LLM reviewers (<c>openai</c>, <c>azure</c>)
/// are refused until they exist, rather than quietly reviewing with the rules under their name.</param>
/// <param name="Lease"><c>REVIEW_LEASE_SECONDS</c> (60): how long a review holds its merge request without renewal (renewed
/// every third of it): what a replica that died leaves blocked.</param>
public sealed record ReviewSettings(string Provider, TimeSpan Lease)
{
    public const string Rules = "rules";
    public static readonly IReadOnlySet<string> Providers = new HashSet<string>(StringComparer.Ordinal) { Rules };

    public static ReviewSettings Read(SettingsReader reader)
    {
        var provider = (reader.Optional("REVIEW_PROVIDER") ?? Rules).ToLowerInvariant();
        if (!Providers.Contains(provider))
        {
            throw new InvalidSettingException("REVIEW_PROVIDER", "must be rules (the openai and azure reviewers are not in this version)");
        }

        return new(provider, TimeSpan.FromSeconds(reader.Double("REVIEW_LEASE_SECONDS", 60, 5, 3_600)));
    }
}
