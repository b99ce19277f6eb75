namespace GitLabBus.Simulator;

/// <summary>How a simulator instance behaves; standalone it reads <c>SIMULATOR_TOKENS</c>, <c>SIMULATOR_RATE_LIMIT</c> and
/// <c>SIMULATOR_WEBHOOK_CONCURRENCY</c>.</summary>
public sealed record SimulatorOptions
{
    public const string DefaultToken = "glpat-simulator-root";

    public const string DefaultUrl = "http://127.0.0.1:8929";

    /// <summary>The demo's service user, a Maintainer of demo/shop: the embedded gateway acts as it.</summary>
    public const string BotUsername = "gitlabbus-bot";

    public const string BotToken = "glpat-gitlabbus-bot-demo";

    /// <summary>The demo's Developer of demo/shop, a person: commands typed as alice are never the service's own.</summary>
    public const string DeveloperUsername = "alice";

    public const string DeveloperToken = "glpat-alice-demo";

    /// <summary>
    /// <c>SIMULATOR_TOKENS</c>: tokens accepted as <c>PRIVATE-TOKEN</c> or bearer besides the users' own; a plain one acts as
    /// the administrator (root), <c>token=username</c> as that user (made when missing).
    /// </summary>
    public IReadOnlyList<string> Tokens { get; init; } = [DefaultToken];

    /// <summary>The address it listens on, also the base of every <c>web_url</c>.</summary>
    public string PublicUrl { get; init; } = DefaultUrl;

    /// <summary>Requests per minute per token before 429 (GitLab.com: 2,000).</summary>
    public int RateLimitPerMinute { get; init; } = 2000;

    /// <summary>Webhook deliveries in flight at once (<c>SIMULATOR_WEBHOOK_CONCURRENCY</c>); 1 keeps them in order.</summary>
    public int WebhookConcurrency { get; init; } = 1;

    /// <summary><c>SIMULATOR_OAUTH_USER</c> (root): whom <c>/oauth/authorize</c> approves for, at once.</summary>
    public string OAuthUser { get; init; } = "root";

    /// <summary><c>SIMULATOR_OAUTH_TOKEN_SECONDS</c> (7,200, GitLab's): how long an OAuth access token lives, in simulated time.</summary>
    public TimeSpan OAuthTokenLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Real-time interval between pipeline engine ticks.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    public static SimulatorOptions FromEnvironment(string publicUrl) =>
        new()
        {
            PublicUrl = publicUrl,
            Tokens = Environment.GetEnvironmentVariable("SIMULATOR_TOKENS") is { Length: > 0 } tokens
                ? [.. tokens.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : [DefaultToken],
            RateLimitPerMinute =
                int.TryParse(Environment.GetEnvironmentVariable("SIMULATOR_RATE_LIMIT"), out var limit) && limit > 0 ? limit : 2000,
            OAuthUser = Environment.GetEnvironmentVariable("SIMULATOR_OAUTH_USER") is { Length: > 0 } oauthUser ? oauthUser : "root",
            OAuthTokenLifetime = TimeSpan.FromSeconds(
                int.TryParse(Environment.GetEnvironmentVariable("SIMULATOR_OAUTH_TOKEN_SECONDS"), out var seconds) && seconds > 0
                    ? seconds
                    : 7200
            ),
            WebhookConcurrency =
                int.TryParse(Environment.GetEnvironmentVariable("SIMULATOR_WEBHOOK_CONCURRENCY"), out var concurrency) && concurrency > 0
                    ? concurrency
                    : 1,
        };
}
