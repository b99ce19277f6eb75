using System.Text.Json;

namespace GitLabBus.Contracts;

/// <summary>
/// A delivery of an organisation's own GitLab (its webhook endpoint), as the router passes it on: its projects and merge
/// requests are of that GitLab, so it becomes none of the typed events the capabilities act on; it refreshes the
/// organisation's task links. A message of its own so that only organisations' deliveries reach that consumer.
/// </summary>
public record OrgWebhookReceived
{
    public Guid DeliveryId { get; init; }
    public string OrgId { get; init; } = "";

    /// <summary>The <c>X-Gitlab-Event</c> header, e.g. <c>Issue Hook</c>.</summary>
    public string EventName { get; init; } = "";

    public JsonElement Payload { get; init; }
}
