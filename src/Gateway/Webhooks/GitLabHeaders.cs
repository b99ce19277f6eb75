namespace GitLabBus.Gateway.Webhooks;

/// <summary>GitLab's webhook delivery headers.</summary>
public static class GitLabHeaders
{
    public const string Event = "X-Gitlab-Event";
    public const string Token = "X-Gitlab-Token";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string EventUuid = "X-Gitlab-Event-UUID";
    public const string WebhookUuid = "X-Gitlab-Webhook-UUID";
    public const string Instance = "X-Gitlab-Instance";

    /// <summary>
    /// The headers a delivery keeps (stored, shown to viewers, published): GitLab's own but its token, and what says who sent
    /// it how. An allow-list, so that a header nobody thought of (an API key a proxy adds) is never kept.
    /// </summary>
    public static readonly HashSet<string> Kept = new(StringComparer.OrdinalIgnoreCase)
    {
        Event,
        IdempotencyKey,
        EventUuid,
        WebhookUuid,
        Instance,
        "X-Gitlab-Webhook-Token-Rotated",
        "User-Agent",
        "Content-Type",
        "Content-Length",
    };

    /// <summary>Only the <see cref="Kept"/> headers of <paramref name="headers"/>.</summary>
    public static Dictionary<string, string> Keep(IEnumerable<KeyValuePair<string, string>> headers) =>
        headers.Where(h => Kept.Contains(h.Key)).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The event names GitLab sends (its webhook events documentation); others are counted as <c>other</c>.</summary>
    public static readonly HashSet<string> KnownEvents = new(StringComparer.Ordinal)
    {
        "Push Hook",
        "Tag Push Hook",
        "Issue Hook",
        "Confidential Issue Hook",
        "Note Hook",
        "Confidential Note Hook",
        "Merge Request Hook",
        "Wiki Page Hook",
        "Pipeline Hook",
        "Job Hook",
        "Deployment Hook",
        "Feature Flag Hook",
        "Release Hook",
        "Emoji Hook",
        "Milestone Hook",
        "Resource Access Token Hook",
        "Project Access Token Hook",
        "Group Access Token Hook",
        "Member Hook",
        "Subgroup Hook",
        "Project Hook",
        "Vulnerability Hook",
        "System Hook",
    };

    /// <summary>An event name is a short phrase; longer ones are cut to this.</summary>
    public const int MaxEventLength = 100;

    /// <summary>
    /// The event name as the gateway keeps and logs it: control characters written as <c>\uXXXX</c> (a log line cannot be
    /// forged through it) and cut to <see cref="MaxEventLength"/>. GitLab's names pass unchanged.
    /// </summary>
    public static string CleanEvent(string raw)
    {
        var trimmed = raw.Trim();
        if (trimmed.Length <= MaxEventLength && !trimmed.Any(char.IsControl))
        {
            return trimmed;
        }

        var clean = new System.Text.StringBuilder(Math.Min(trimmed.Length, MaxEventLength));
        foreach (var c in trimmed)
        {
            clean.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
            if (clean.Length >= MaxEventLength)
            {
                break;
            }
        }

        return clean.ToString(0, Math.Min(clean.Length, MaxEventLength));
    }

    /// <summary>The <c>event</c> label of the webhook metrics: GitLab's names, else <c>other</c> (a label per made-up name would
    /// grow the unauthenticated <c>/metrics</c> without end).</summary>
    public static string MetricLabel(string eventName) => KnownEvents.Contains(eventName) ? eventName : "other";

    /// <summary>
    /// The delivery's identity across GitLab's retries: <c>Idempotency-Key</c>, else the webhook and event
    /// UUIDs together; null when GitLab sent neither (older versions), and then no dedup is possible.
    /// </summary>
    public static string? DedupKey(string? idempotencyKey, string? webhookUuid, string? eventUuid) =>
        !string.IsNullOrWhiteSpace(idempotencyKey) ? "idempotency:" + idempotencyKey.Trim()
        : !string.IsNullOrWhiteSpace(webhookUuid) && !string.IsNullOrWhiteSpace(eventUuid) ? $"uuid:{webhookUuid.Trim()}:{eventUuid.Trim()}"
        : null;
}
