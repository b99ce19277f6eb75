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

    /// <summary>Headers that may carry a secret: never stored, logged or published.</summary>
    public static readonly HashSet<string> Secret = new(StringComparer.OrdinalIgnoreCase)
    {
        Token,
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "GitLab-Access-Token",
        "PRIVATE-TOKEN",
    };

    /// <summary>
    /// The delivery's identity across GitLab's retries: <c>Idempotency-Key</c>, else the webhook and event
    /// UUIDs together; null when GitLab sent neither (older versions), and then no dedup is possible.
    /// </summary>
    public static string? DedupKey(string? idempotencyKey, string? webhookUuid, string? eventUuid) =>
        !string.IsNullOrWhiteSpace(idempotencyKey) ? "idempotency:" + idempotencyKey.Trim()
        : !string.IsNullOrWhiteSpace(webhookUuid) && !string.IsNullOrWhiteSpace(eventUuid) ? $"uuid:{webhookUuid.Trim()}:{eventUuid.Trim()}"
        : null;
}
