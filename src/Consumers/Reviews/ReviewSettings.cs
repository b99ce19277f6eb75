using GitLabBus.Runtime.Settings;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// How merge requests are reviewed. <c>REVIEW_PROVIDER</c>: <c>rules</c> (default, offline), or an LLM reviewer besides the
/// rules, <c>openai</c> (any OpenAI-compatible server) or <c>azure</c> (Azure OpenAI), never chosen by itself: it sends the
/// code to that server. The LLM reviewers use <c>OAI_BASE_URL</c>, <c>OAI_KEY</c>, <c>OAI_API_VERSION</c> (Azure),
/// <c>OAI_CHAT_MODEL_NAME</c> (<c>gpt-4o-mini</c>) and <c>OAI_CHAT_DEPLOYMENT_NAME</c> (Azure; the model name by default).
/// </summary>
/// <param name="Lease"><c>REVIEW_LEASE_SECONDS</c> (60): how long a review holds its merge request without renewal (renewed
/// every third of it): what a replica that died leaves blocked.</param>
public sealed record ReviewSettings(string Provider, TimeSpan Lease)
{
    public const string Rules = "rules";
    public static readonly IReadOnlySet<string> Providers = new HashSet<string>(StringComparer.Ordinal) { Rules, "openai", "azure" };

    /// <summary><c>REVIEW_MAX_DIFF_TOKENS</c> (32,000): what an LLM reviewer reads of a diff, at most.</summary>
    public int MaxDiffTokens { get; init; } = 32_000;

    /// <summary><c>REVIEW_POLL_INTERVAL_SECONDS</c> (0 = off): the poller, for GitLabs that cannot send webhooks.</summary>
    public TimeSpan PollInterval { get; init; }

    /// <summary><c>REVIEW_LLM_TIMEOUT_SECONDS</c> (60): how long an LLM reviewer may take to answer.</summary>
    public TimeSpan ModelTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public Uri? BaseUrl { get; init; }
    public string? Key { get; init; }
    public string? ApiVersion { get; init; }
    public string Model { get; init; } = "gpt-4o-mini";
    public string? Deployment { get; init; }

    public bool UsesModel => Provider != Rules;

    public static ReviewSettings Read(SettingsReader reader)
    {
        var provider = (reader.Optional("REVIEW_PROVIDER") ?? Rules).ToLowerInvariant();
        if (!Providers.Contains(provider))
        {
            throw new InvalidSettingException("REVIEW_PROVIDER", "must be rules, openai or azure");
        }

        var settings = new ReviewSettings(provider, TimeSpan.FromSeconds(reader.Double("REVIEW_LEASE_SECONDS", 60, 5, 3_600)))
        {
            MaxDiffTokens = reader.Int("REVIEW_MAX_DIFF_TOKENS", 32_000, 1_000, 1_000_000),
            ModelTimeout = TimeSpan.FromSeconds(reader.Double("REVIEW_LLM_TIMEOUT_SECONDS", 60, 1, 600)),
            PollInterval = TimeSpan.FromSeconds(reader.Double("REVIEW_POLL_INTERVAL_SECONDS", 0, 0, 86_400)),
        };
        if (provider == Rules)
        {
            return settings;
        }

        var model = reader.Optional("OAI_CHAT_MODEL_NAME") ?? settings.Model;
        settings = settings with
        {
            BaseUrl =
                reader.AbsoluteUri("OAI_BASE_URL", "http", "https")
                ?? throw new InvalidSettingException("OAI_BASE_URL", $"is required by the {provider} reviewer"),
            Key = reader.Optional("OAI_KEY") ?? throw new InvalidSettingException("OAI_KEY", $"is required by the {provider} reviewer"),
            ApiVersion = reader.Optional("OAI_API_VERSION"),
            Model = model,
            Deployment = reader.Optional("OAI_CHAT_DEPLOYMENT_NAME") ?? model,
        };
        return provider == "azure" && settings.ApiVersion is null
            ? throw new InvalidSettingException("OAI_API_VERSION", "is required by the azure reviewer")
            : settings;
    }

    /// <summary>Never the key.</summary>
    public override string ToString() => $"ReviewSettings({Provider}, {BaseUrl?.Host ?? "-"}, model {Model}, {MaxDiffTokens} tokens)";
}
