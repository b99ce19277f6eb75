namespace GitLabBus.Runtime.Logging;

/// <summary>
/// The request id of the work in progress: set by the gateway's middleware for an HTTP request and by
/// the consume filter for a message, read by the publish/send observers that stamp it on outgoing messages.
/// </summary>
public static class RequestContext
{
    public const string HeaderName = "X-Request-ID";

    /// <summary>The log property every line of a request's or message's work carries.</summary>
    public const string LogProperty = "RequestId";

    private static readonly AsyncLocal<string?> Current = new();

    public static string? RequestId
    {
        get => Current.Value;
        set => Current.Value = value;
    }

    /// <summary>Accepts a caller's id when it is short printable ASCII; anything else is replaced, never logged raw.</summary>
    public static string Normalize(string? candidate) =>
        candidate is { Length: > 0 and <= 128 } && candidate.All(c => c is > ' ' and < (char)127)
            ? candidate
            : Guid.NewGuid().ToString("N");
}
