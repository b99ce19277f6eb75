using System.Text.Json;

namespace GitLabBus.Gateway.Errors;

/// <summary>The contract's unified error body: <c>{"error":{"code","message","gitlab_status","details"}}</c>.</summary>
public sealed record ErrorBody(ErrorDetail Error);

public sealed record ErrorDetail(string Code, string Message, int? GitlabStatus = null, object? Details = null);

/// <summary>Error results with the contract's codes. Messages are written for the caller; they never carry secrets or stack traces.</summary>
public static class ApiError
{
    public static IResult Result(int status, string code, string message, object? details = null) =>
        Results.Json(Body(code, message, details), statusCode: status);

    public static ErrorBody Body(string code, string message, object? details = null) => new(new ErrorDetail(code, message, null, details));

    public static IResult InvalidRequest(string message, object? details = null) => Result(400, "invalid_request", message, details);

    public static IResult Unauthorized(string message) => Result(401, "unauthorized", message);

    public static IResult NotFound(string message) => Result(404, "not_found", message);

    public static IResult Conflict(string message) => Result(409, "conflict", message);

    public static IResult PayloadTooLarge(string message) => Result(413, "payload_too_large", message);

    public static IResult BusUnavailable(string message) => Result(503, "bus_unavailable", message);

    /// <summary>
    /// The answer for an operation that failed: its <c>code</c>, <c>message</c> and <c>gitlab_status</c> with the status the
    /// code stands for.
    /// </summary>
    public static IResult OperationFailed(JsonElement? failure)
    {
        string Text(string name) => failure is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()! : "";
        var gitLabStatus = failure is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("gitlab_status", out var status) && status.ValueKind == JsonValueKind.Number
            ? status.GetInt32() : (int?)null;
        var code = Text("code") is { Length: > 0 } given ? given : "internal_error";
        return Results.Json(new ErrorBody(new ErrorDetail(code, Text("message"), gitLabStatus)), statusCode: StatusFor(code));
    }

    /// <summary>The status a contract error code stands for.</summary>
    public static int StatusFor(string code) => code switch
    {
        "invalid_request" or "idempotency_key_required" => 400,
        "unauthorized" => 401,
        "forbidden" => 403,
        "not_found" => 404,
        "conflict" => 409,
        "payload_too_large" => 413,
        "rate_limited" => 429,
        "gitlab_unavailable" or "bus_unavailable" or "cache_unavailable" or "embedding_unavailable" => 503,
        _ => 500,
    };

    /// <summary>The code for a bare status the framework produced (routing, binding, auth).</summary>
    public static string CodeFor(int status) => status switch
    {
        400 or 405 or 415 => "invalid_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "payload_too_large",
        429 => "rate_limited",
        _ => "internal_error",
    };
}
