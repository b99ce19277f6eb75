using System.Buffers;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Settings;
using Microsoft.AspNetCore.Http.Features;

namespace GitLabBus.Gateway.Webhooks;

/// <summary><c>POST /webhooks/gitlab</c>: authenticate, bound the body, parse, then hand over to <see cref="WebhookIngest"/>.</summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookIngress(this IEndpointRouteBuilder endpoints)
    {
        endpoints
            .MapPost("/webhooks/gitlab", Receive)
            .WithTags("webhooks")
            .WithSummary("Receive a GitLab webhook delivery")
            .WithDescription(
                "Authenticated by X-Gitlab-Token, and by its Standard Webhooks signature (webhook-id, webhook-timestamp, "
                    + "webhook-signature) when a signing token is configured. 202 once the broker confirmed the WebhookReceived publish; "
                    + "200 with duplicate=true for a delivery seen before "
                    + "(Idempotency-Key, else X-Gitlab-Webhook-UUID + X-Gitlab-Event-UUID)."
            )
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .Produces<WebhookAccepted>(StatusCodes.Status200OK)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ErrorBody>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> Receive(
        HttpContext http,
        WebhookSecret secret,
        WebhookSignature signature,
        WebhookIngest ingest,
        WebhookSettings settings,
        CancellationToken cancellationToken
    )
    {
        if (!secret.Matches(http.Request.Headers[GitLabHeaders.Token]))
        {
            return Refused(http);
        }

        return await AcceptAsync(http, signature, ingest, settings, orgId: null, cancellationToken);
    }

    /// <summary>A delivery whose token was wrong or missing: 401, and the connection closed.</summary>
    public static IResult Refused(HttpContext http)
    {
        Hangup(http);
        return ApiError.Unauthorized("missing or invalid X-Gitlab-Token");
    }

    /// <summary>
    /// An authenticated delivery: bounded, signature checked (when <paramref name="signature"/> is given), parsed and handed
    /// to <see cref="WebhookIngest"/>; <paramref name="orgId"/> names the organisation whose endpoint received it.
    /// </summary>
    public static async Task<IResult> AcceptAsync(
        HttpContext http,
        WebhookSignature? signature,
        WebhookIngest ingest,
        WebhookSettings settings,
        string? orgId,
        CancellationToken cancellationToken
    )
    {
        var request = http.Request;
        if (request.ContentLength > settings.MaxBytes)
        {
            Hangup(http);
            return TooLarge(settings);
        }

        var eventName = GitLabHeaders.CleanEvent(request.Headers[GitLabHeaders.Event].ToString());
        if (eventName.Length == 0)
        {
            return ApiError.InvalidRequest("the X-Gitlab-Event header is required");
        }

        var body = await ReadBoundedAsync(http, settings.MaxBytes, cancellationToken);
        if (body is null)
        {
            Hangup(http);
            return TooLarge(settings);
        }

        if (signature?.Refusal(body.WrittenSpan, request.Headers) is { } unsigned)
        {
            return ApiError.Unauthorized(unsigned);
        }

        JsonElement payload;
        try
        {
            payload = JsonSerializer.Deserialize<JsonElement>(body.WrittenSpan);
        }
        catch (JsonException)
        {
            return ApiError.InvalidRequest("the body is not valid JSON");
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidRequest("the body must be a JSON object");
        }

        if (!Transportable(payload))
        {
            return ApiError.InvalidRequest("the body holds a string that is not valid Unicode (an unpaired surrogate escape)");
        }

        var headers = GitLabHeaders.Keep(request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())));
        headers[GitLabHeaders.Event] = eventName;
        var result = await ingest.AcceptAsync(
            IncomingWebhook.FromHeaders(eventName, headers, payload) with
            {
                OrgId = orgId,
            },
            cancellationToken
        );
        return result.Outcome switch
        {
            IngestOutcome.Accepted => Results.Json(
                new WebhookAccepted(result.DeliveryId, false),
                statusCode: StatusCodes.Status202Accepted
            ),
            IngestOutcome.Duplicate => Results.Json(new WebhookAccepted(result.DeliveryId, true), statusCode: StatusCodes.Status200OK),
            IngestOutcome.InFlight => InFlight(http, result.DeliveryId),
            IngestOutcome.StateUnavailable => ApiError.Result(
                ErrorCodes.CacheUnavailable,
                "the state store could not record the delivery; retry later"
            ),
            _ => ApiError.BusUnavailable("the message broker did not confirm the delivery; retry later"),
        };
    }

    /// <summary>
    /// Whether the payload can be written again, as the bus must: JSON may escape half a surrogate pair (<c>"\ud800"</c>),
    /// which reads but cannot be written, so such a delivery would fail every publish and GitLab retry it for ever.
    /// </summary>
    private static bool Transportable(JsonElement payload)
    {
        try
        {
            using var writer = new Utf8JsonWriter(Stream.Null);
            payload.WriteTo(writer);
            writer.Flush();
            return true;
        }
        catch (Exception unwritable) when (unwritable is ArgumentException or InvalidOperationException or JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A refused delivery's connection is closed after the answer: otherwise the server reads the rest of the body (up to
    /// 25 MiB a time, from anyone who can reach the endpoint) to keep the connection for another request.
    /// </summary>
    private static void Hangup(HttpContext http) => http.Response.Headers.Connection = "close";

    /// <summary>Reads the body, or returns null once it passes <paramref name="maxBytes"/> (chunked bodies have no
    /// Content-Length).</summary>
    private static async Task<ArrayBufferWriter<byte>?> ReadBoundedAsync(
        HttpContext http,
        int maxBytes,
        CancellationToken cancellationToken
    )
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(http.Request.ContentLength ?? 16 * 1024, maxBytes) + 1);
        try
        {
            while (true)
            {
                var read = await http.Request.Body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private static IResult TooLarge(WebhookSettings settings) =>
        ApiError.PayloadTooLarge($"the body exceeds WEBHOOK_MAX_BYTES ({settings.MaxBytes} bytes)");

    private static IResult InFlight(HttpContext http, Guid deliveryId)
    {
        http.Response.Headers.RetryAfter = "1";
        return ApiError.Conflict(
            $"delivery {deliveryId} with the same key is still being published; retry shortly",
            new { delivery_id = deliveryId }
        );
    }
}

public sealed record WebhookAccepted(Guid DeliveryId, bool Duplicate);
