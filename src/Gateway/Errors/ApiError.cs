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
