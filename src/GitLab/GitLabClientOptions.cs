namespace GitLabBus.GitLab;

/// <summary>Where GitLab is and how the client treats it; hosts fill this from the environment (CONTRACT 2).</summary>
public sealed record GitLabClientOptions
{
    /// <summary>The instance, e.g. <c>https://gitlab.example.com</c>; the API is under <c>/api/v4</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary><c>GITLAB_TOKEN</c>: used when a call names no user token.</summary>
    public GitLabToken? ServiceToken { get; init; }

    /// <summary><c>GITLAB_VERIFY_SSL</c>.</summary>
    public bool VerifySsl { get; init; } = true;

    /// <summary><c>HTTP_CONNECTION_TIMEOUT</c>: each attempt's limit, connection and answer.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>RETRY_MAX_ATTEMPTS</c>: retries of a 5xx answer or a lost connection.</summary>
    public int RetryMaxAttempts { get; init; } = 3;

    /// <summary><c>RETRY_BACKOFF_FACTOR</c>: the n-th retry (from 0) waits factor × 2ⁿ seconds.</summary>
    public double RetryBackoffFactor { get; init; } = 2.0;

    /// <summary>Retries of a 429, each after GitLab's <c>Retry-After</c> (or until <c>RateLimit-Reset</c>).</summary>
    public int RateLimitRetries { get; init; } = 5;

    /// <summary>The longest wait a <c>Retry-After</c> may impose before we give up instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>GITLAB_RATE_LIMIT_PER_SECOND</c>: requests per second per token, queued beyond; 0 turns it off.</summary>
    public int RequestsPerSecond { get; init; } = 10;

    /// <summary>Consecutive failed calls (5xx, no answer) that open the circuit.</summary>
    public int CircuitFailures { get; init; } = 5;

    /// <summary><c>GITLAB_CIRCUIT_BREAK_SECONDS</c>: how long an open circuit fails calls at once before it lets a probe through.</summary>
    public TimeSpan CircuitBreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>DEFAULT_PAGE_SIZE</c>: <c>per_page</c> when a list call names none (GitLab allows up to 100).</summary>
    public int DefaultPageSize { get; init; } = 100;

    /// <summary><c>GITLAB_RECORD</c>: append every interaction to this file (JSON lines, secrets redacted).</summary>
    public string? RecordFile { get; init; }

    /// <summary><c>GITLAB_REPLAY</c>: answer from this recording instead of the network.</summary>
    public string? ReplayFile { get; init; }

    /// <summary><c>OUTBOUND_ALLOW_PRIVATE_NETWORKS</c>: whether a GitLab named by someone else (an organisation's) may be on a
    /// loopback, link-local or private address; the configured GitLab always may.</summary>
    public bool AllowPrivateNetworks { get; init; }

    public Uri ApiBase => ApiBaseOf(BaseUrl);

    /// <summary>Where <paramref name="instance"/>'s REST API is: <c>/api/v4/</c> under it.</summary>
    public static Uri ApiBaseOf(Uri instance) => new(instance.ToString().TrimEnd('/') + "/api/v4/");
}
