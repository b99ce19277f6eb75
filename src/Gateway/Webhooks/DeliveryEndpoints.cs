using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Errors;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>The delivery log: list, inspect and (admins) replay what GitLab sent.</summary>
public static class DeliveryEndpoints
{
    public const int MaxListLimit = 500;

    public static IEndpointRouteBuilder MapWebhookDeliveries(this IEndpointRouteBuilder endpoints)
    {
        var deliveries = endpoints.MapGroup("/webhooks/deliveries").WithTags("webhooks");

        deliveries
            .MapGet("", List)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("List webhook deliveries, newest first (for a caller limited to some projects, theirs among them)")
            .Produces<DeliveryList>();

        deliveries
            .MapGet("/{delivery_id}", Get)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("One delivery: GitLab's headers (never the token), payload (cut when truncated), received_at, routed_to")
            .Produces<DeliveryView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        deliveries
            .MapPost("/{delivery_id}/replay", Replay)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithSummary("Publish a stored delivery again (admin)")
            .Produces<ReplayAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> List(
        HttpContext http,
        IWebhookDeliveryStore store,
        string? limit,
        CancellationToken cancellationToken
    )
    {
        var count = 50;
        if (limit is not null && (!int.TryParse(limit, out count) || count < 1 || count > MaxListLimit))
        {
            return ApiError.InvalidRequest($"limit must be a whole number from 1 to {MaxListLimit}");
        }

        var page = await store.ListAsync(count, cancellationToken);
        return Results.Ok(new DeliveryList([.. page.Where(Visible(http)).Select(DeliverySummary.From)]));
    }

    private static async Task<IResult> Get(
        HttpContext http,
        IWebhookDeliveryStore store,
        string delivery_id,
        CancellationToken cancellationToken
    ) =>
        await Find(store, delivery_id, cancellationToken) is { } delivery && Visible(http)(delivery)
            ? Results.Ok(DeliveryView.From(delivery))
            : NotFound(delivery_id);

    /// <summary>
    /// A caller limited to some projects sees only their deliveries (one of another project is "not found", so as not to
    /// say it exists); group hooks name no project and are for everyone else; an organisation's deliveries are for its members.
    /// </summary>
    private static Func<WebhookDelivery, bool> Visible(HttpContext http)
    {
        var sees = ProjectAccess.SeesOwnedBy(http.User);
        return delivery => sees(delivery.ProjectId, delivery.OrgId);
    }

    private static async Task<IResult> Replay(
        IWebhookDeliveryStore store,
        WebhookIngest ingest,
        string delivery_id,
        CancellationToken cancellationToken
    )
    {
        if (await Find(store, delivery_id, cancellationToken) is not { } delivery)
        {
            return NotFound(delivery_id);
        }

        if (delivery.Truncated)
        {
            return ApiError.Conflict(
                $"delivery {delivery.DeliveryId} was kept only in part ({delivery.PayloadBytes} bytes received, "
                    + "over WEBHOOK_DELIVERY_MAX_PAYLOAD_BYTES): it cannot be replayed; ask GitLab to resend it"
            );
        }

        return await ingest.ReplayAsync(delivery, cancellationToken)
            ? Results.Json(new ReplayAccepted(delivery.DeliveryId, true), statusCode: StatusCodes.Status202Accepted)
            : ApiError.BusUnavailable("the message broker did not confirm the replay; retry later");
    }

    private static async Task<WebhookDelivery?> Find(IWebhookDeliveryStore store, string deliveryId, CancellationToken cancellationToken) =>
        Guid.TryParse(deliveryId, out var id) ? await store.GetAsync(id, cancellationToken) : null;

    private static IResult NotFound(string deliveryId) =>
        ApiError.NotFound($"no delivery {deliveryId} in the log (deliveries are kept for WEBHOOK_DELIVERY_RETENTION_HOURS)");
}

public sealed record DeliveryList(IReadOnlyList<DeliverySummary> Deliveries);

public sealed record DeliverySummary(
    Guid DeliveryId,
    string Event,
    DateTimeOffset ReceivedAt,
    string Status,
    IReadOnlyList<string>? RoutedTo,
    string? Failure
)
{
    public static DeliverySummary From(WebhookDelivery d) =>
        new(d.DeliveryId, d.EventName, d.ReceivedAt, d.Status.ToString().ToLowerInvariant(), d.RoutedTo, d.Failure);
}

/// <summary>A delivery in full; <see cref="Payload"/> is a string of its start when <see cref="Truncated"/>.</summary>
public sealed record DeliveryView(
    Guid DeliveryId,
    string Event,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement Payload,
    DateTimeOffset ReceivedAt,
    string Status,
    IReadOnlyList<string>? RoutedTo,
    string? Failure,
    int PayloadBytes,
    bool Truncated
)
{
    public static DeliveryView From(WebhookDelivery d) =>
        new(
            d.DeliveryId,
            d.EventName,
            GitLabHeaders.Keep(d.Headers),
            d.Payload,
            d.ReceivedAt,
            d.Status.ToString().ToLowerInvariant(),
            d.RoutedTo,
            d.Failure,
            d.PayloadBytes,
            d.Truncated
        );
}

public sealed record ReplayAccepted(Guid DeliveryId, bool Replayed);
