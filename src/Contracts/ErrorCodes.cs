namespace GitLabBus.Contracts;

/// <summary>
/// The contract's error codes (CONTRACT 3), the one table from a code to the HTTP status it stands for. Answers, operation
/// failures and bus refusals all use these: a code that is not here is a bug, answered as <see cref="Internal"/> (500).
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string RateLimited = "rate_limited";
    public const string GitLabUnavailable = "gitlab_unavailable";
    public const string IdempotencyKeyRequired = "idempotency_key_required";
    public const string CacheUnavailable = "cache_unavailable";
    public const string EmbeddingUnavailable = "embedding_unavailable";
    public const string PayloadTooLarge = "payload_too_large";
    public const string BusUnavailable = "bus_unavailable";
    public const string ReviewUnavailable = "review_unavailable";
    public const string Internal = "internal_error";

    /// <summary>The HTTP status a code stands for.</summary>
    public static int StatusFor(string code) =>
        code switch
        {
            InvalidRequest or IdempotencyKeyRequired => 400,
            Unauthorized => 401,
            Forbidden => 403,
            NotFound => 404,
            Conflict => 409,
            PayloadTooLarge => 413,
            RateLimited => 429,
            GitLabUnavailable or BusUnavailable or CacheUnavailable or EmbeddingUnavailable or ReviewUnavailable => 503,
            _ => 500,
        };

    /// <summary>The code for a bare status the web framework produced (routing, binding, auth).</summary>
    public static string ForStatus(int status) =>
        status switch
        {
            400 or 405 or 408 or 414 or 415 or 431 => InvalidRequest,
            401 => Unauthorized,
            403 => Forbidden,
            404 => NotFound,
            409 => Conflict,
            413 => PayloadTooLarge,
            429 => RateLimited,
            _ => Internal,
        };
}
