using GitLabBus.GitLab;

namespace GitLabBus.Runtime.Settings;

/// <summary>
/// Where GitLab is (CONTRACT 2). Without <c>GITLAB_BASE_URL</c> the gateway starts the built-in simulator on
/// <c>SIMULATOR_URL</c> and uses its token unless <c>GITLAB_TOKEN</c> is set.
/// </summary>
public sealed record GitLabSettings
{
    public const string SimulatorToken = "glpat-simulator-root";

    public Uri? BaseUrl { get; init; }

    public required Uri SimulatorUrl { get; init; }

    /// <summary><c>SIMULATOR_TOKENS</c>: what the embedded simulator accepts; the first is the service token unless <c>GITLAB_TOKEN</c> is set.</summary>
    public required IReadOnlyList<string> SimulatorTokens { get; init; }

    /// <summary>Everything the client needs except the address, which is the simulator's when <see cref="BaseUrl"/> is unset.</summary>
    public required GitLabClientOptions Client { get; init; }

    public bool UsesSimulator => BaseUrl is null;

    public override string ToString() => $"GitLabSettings({(UsesSimulator ? $"simulator {SimulatorUrl}" : BaseUrl!.ToString())})";

    public static GitLabSettings Read(SettingsReader reader)
    {
        var baseUrl = reader.AbsoluteUri("GITLAB_BASE_URL", "http", "https");
        var simulatorUrl = reader.AbsoluteUri("SIMULATOR_URL", "http") ?? new Uri("http://127.0.0.1:8929");
        var record = reader.Optional("GITLAB_RECORD");
        var replay = reader.Optional("GITLAB_REPLAY");
        IReadOnlyList<string> simulatorTokens = reader.Optional("SIMULATOR_TOKENS") is { } tokens
            ? [.. tokens.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [];
        if (simulatorTokens.Count == 0)
        {
            simulatorTokens = [SimulatorToken];
        }

        if (replay is not null && !File.Exists(replay))
        {
            throw new InvalidSettingException("GITLAB_REPLAY", "must name an existing recording file");
        }

        return new GitLabSettings
        {
            BaseUrl = baseUrl,
            SimulatorUrl = simulatorUrl,
            SimulatorTokens = simulatorTokens,
            Client = new GitLabClientOptions
            {
                BaseUrl = baseUrl ?? simulatorUrl,
                ServiceToken = GitLabToken.From(reader.Optional("GITLAB_TOKEN") ?? (baseUrl is null ? simulatorTokens[0] : null)),
                VerifySsl = reader.Bool("GITLAB_VERIFY_SSL", true),
                AttemptTimeout = TimeSpan.FromSeconds(reader.Int("HTTP_CONNECTION_TIMEOUT", 30, 1, 600)),
                RetryMaxAttempts = reader.Int("RETRY_MAX_ATTEMPTS", 3, 0, 10),
                RetryBackoffFactor = reader.Double("RETRY_BACKOFF_FACTOR", 2.0, 0, 60),
                RequestsPerSecond = reader.Int("GITLAB_RATE_LIMIT_PER_SECOND", 10, 0, 10_000),
                CircuitBreakDuration = TimeSpan.FromSeconds(reader.Int("GITLAB_CIRCUIT_BREAK_SECONDS", 30, 1, 3600)),
                DefaultPageSize = reader.Int("DEFAULT_PAGE_SIZE", 100, 1, 100),
                RecordFile = record,
                ReplayFile = replay,
            },
        };
    }

    public string Describe() => UsesSimulator ? $"built-in simulator {SimulatorUrl.ToString().TrimEnd('/')} (demo/shop, id 1)" : $"GitLab {BaseUrl}";
}
