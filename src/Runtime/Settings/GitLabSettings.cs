namespace GitLabBus.Runtime.Settings;

/// <summary>
/// Where GitLab is (CONTRACT 2). Without <c>GITLAB_BASE_URL</c> the gateway starts the built-in simulator on
/// <c>SIMULATOR_URL</c> and uses its token unless <c>GITLAB_TOKEN</c> is set.
/// </summary>
public sealed record GitLabSettings
{
    public const string SimulatorToken = "glpat-simulator-root";

    /// <summary>
    /// The built-in simulator's service user <c>gitlabbus-bot</c> (its demo seed makes it, a Maintainer of demo/shop): the
    /// embedded gateway acts as it, so its own notes are told apart from people's. The simulator defines the same token.
    /// </summary>
    public const string SimulatorServiceToken = "glpat-gitlabbus-bot-demo";

    public Uri? BaseUrl { get; init; }

    public required Uri SimulatorUrl { get; init; }

    /// <summary><c>SIMULATOR_TOKENS</c>: what the embedded simulator accepts; the first is the service token unless <c>GITLAB_TOKEN</c> is
    /// set.</summary>
    public required IReadOnlyList<string> SimulatorTokens { get; init; }

    /// <summary>Where the client goes: <see cref="BaseUrl"/>, or the simulator's address when it is unset.</summary>
    public Uri ApiBaseUrl => BaseUrl ?? SimulatorUrl;

    /// <summary><c>GITLAB_TOKEN</c>, or the simulator's service user's token when no GitLab is configured; null when neither.</summary>
    public string? ServiceToken { get; init; }

    /// <summary><c>DEFAULT_PAGE_SIZE</c> (100): the page size when a caller names none, and the client's page size.</summary>
    public int DefaultPageSize { get; init; } = 100;

    public bool UsesSimulator => BaseUrl is null;

    /// <summary>
    /// <c>OUTBOUND_ALLOW_PRIVATE_NETWORKS</c> (<c>false</c>; <c>true</c> in embedded mode, whose simulator is on loopback):
    /// whether an organisation's GitLab may be on a loopback, link-local or private address.
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>How sessions connect to this GitLab with OAuth.</summary>
    public GitLabOAuthSettings OAuth { get; init; } = new();

    public override string ToString() => $"GitLabSettings({(UsesSimulator ? $"simulator {SimulatorUrl}" : BaseUrl!.ToString())})";

    public static GitLabSettings Read(SettingsReader reader)
    {
        var baseUrl = reader.AbsoluteUri("GITLAB_BASE_URL", "http", "https");
        var simulatorUrl = reader.AbsoluteUri("SIMULATOR_URL", "http") ?? new Uri("http://127.0.0.1:8929");
        IReadOnlyList<string> simulatorTokens = reader.Optional("SIMULATOR_TOKENS") is { } tokens
            ? [.. tokens.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [];
        if (simulatorTokens.Count == 0)
        {
            simulatorTokens = [SimulatorToken];
        }

        return new GitLabSettings
        {
            BaseUrl = baseUrl,
            SimulatorUrl = simulatorUrl,
            SimulatorTokens = simulatorTokens,
            ServiceToken = reader.Optional("GITLAB_TOKEN") ?? (baseUrl is null ? SimulatorServiceToken : null),
            DefaultPageSize = reader.Int("DEFAULT_PAGE_SIZE", 100, 1, 100),
            OAuth = GitLabOAuthSettings.Read(reader, usesSimulator: baseUrl is null),
            AllowPrivateNetworks = reader.Bool("OUTBOUND_ALLOW_PRIVATE_NETWORKS", reader.Optional("RABBITMQ_URL") is null),
        };
    }

    public string Describe() =>
        UsesSimulator ? $"built-in simulator {SimulatorUrl.ToString().TrimEnd('/')} (demo/shop, id 1)" : $"GitLab {BaseUrl}";
}
