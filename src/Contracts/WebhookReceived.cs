using System.Text.Json;

namespace GitLabBus.Contracts;

/// <summary>
/// A GitLab webhook delivery the gateway accepted. Published once per delivery (again only on an
/// explicit replay). Carries the payload as GitLab sent it; never the <c>X-Gitlab-Token</c>.
/// </summary>
public record WebhookReceived
{
    public Guid DeliveryId { get; init; }

    /// <summary>The <c>X-Gitlab-Event</c> header, e.g. <c>Merge Request Hook</c>.</summary>
    public string EventName { get; init; } = "";

    public JsonElement Payload { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public string? IdempotencyKey { get; init; }

    public string? EventUuid { get; init; }

    public string? WebhookUuid { get; init; }

    public string? Instance { get; init; }

    /// <summary>The organisation whose webhook endpoint received it (<c>/api/orgs/{org_id}/integrations/gitlab/webhook</c>); null
    /// for the gateway's own GitLab.</summary>
    public string? OrgId { get; init; }

    /// <summary>True when an operator asked for this delivery to be processed again.</summary>
    public bool Replayed { get; init; }
}
