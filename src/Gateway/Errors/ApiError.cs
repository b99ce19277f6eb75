using System.Text.Json;
using GitLabBus.Contracts;

namespace GitLabBus.Gateway.Errors;

/// <summary>The contract's unified error body: <c>{"error":{"code","message","gitlab_status","details"}}</c>.</summary>
public sealed record ErrorBody(ErrorDetail Error);

public sealed record ErrorDetail(string Code, string Message, int? GitlabStatus = null, object? Details = null);

/// <summary>
/// Error results with the contract's codes, each answered with the status <see cref="ErrorCodes.StatusFor"/> gives it.
/// Messages are written for the caller; they never carry secrets or stack traces.
/// </summary>
public static class ApiError
{
    /// <summary>Messages quote what the caller sent (a key, a branch name); a quote of a megabyte is cut to this.</summary>
    public const int MaxMessageLength = 500;

    public static IResult Result(string code, string message, object? details = null, int? gitLabStatus = null) =>
        Results.Json(new ErrorBody(new ErrorDetail(code, Cut(message), gitLabStatus, details)), statusCode: ErrorCodes.StatusFor(code));

    public static ErrorBody Body(string code, string message, object? details = null) =>
        new(new ErrorDetail(code, Cut(message), null, details));

    /// <summary><paramref name="message"/> at most <see cref="MaxMessageLength"/> characters, an ellipsis saying it was cut.</summary>
    public static string Cut(string message) => message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…";

    public static IResult InvalidRequest(string message, object? details = null) => Result(ErrorCodes.InvalidRequest, message, details);

    /// <summary>Null when <paramref name="raw"/> is a positive GitLab project id (in <paramref name="project"/>), else the 400.</summary>
    public static IResult? UnlessProjectId(string raw, out long project) =>
        long.TryParse(raw, out project) && project > 0 ? null : InvalidRequest("project_id must be a positive GitLab project id");

    public static IResult Unauthorized(string message) => Result(ErrorCodes.Unauthorized, message);

    public static IResult NotFound(string message, object? details = null) => Result(ErrorCodes.NotFound, message, details);

    public static IResult Conflict(string message, object? details = null) => Result(ErrorCodes.Conflict, message, details);

    public static IResult PayloadTooLarge(string message) => Result(ErrorCodes.PayloadTooLarge, message);

    public static IResult BusUnavailable(string message) => Result(ErrorCodes.BusUnavailable, message);

    /// <summary>A refusal over the bus, as the consumers or sagas gave it, with GitLab's own status beside the code.</summary>
    public static IResult Refused(RequestRefused refused) => Result(refused.Code, refused.Message, refused.Details, refused.GitLabStatus);

    /// <summary>The answer for an operation that failed: its <c>code</c>, <c>message</c> and <c>gitlab_status</c>.</summary>
    public static IResult OperationFailed(JsonElement? failure)
    {
        string Text(string name) =>
            failure is { ValueKind: JsonValueKind.Object } data
            && data.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : "";
        var gitLabStatus =
            failure is { ValueKind: JsonValueKind.Object } body
            && body.TryGetProperty("gitlab_status", out var status)
            && status.ValueKind == JsonValueKind.Number
                ? status.GetInt32()
                : (int?)null;
        return Result(Text("code") is { Length: > 0 } given ? given : ErrorCodes.Internal, Text("message"), gitLabStatus: gitLabStatus);
    }
}
