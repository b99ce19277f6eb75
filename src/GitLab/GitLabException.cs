using System.Net;

namespace GitLabBus.GitLab;

/// <summary>
/// The one exception the client throws for a failed call: the kind, GitLab's status and message, and which call it
/// was (method and path, never a query string, a header or a body, so no token can ride along).
/// </summary>
public sealed class GitLabException : Exception
{
    public GitLabException(
        GitLabErrorKind kind,
        string message,
        HttpStatusCode? status = null,
        string? request = null,
        Exception? inner = null
    )
        : base(request is null ? message : $"{request}: {message}", inner)
    {
        Kind = kind;
        Status = status;
        GitLabMessage = message;
        Request = request;
    }

    public GitLabErrorKind Kind { get; }

    /// <summary>
    /// Whether the same call may succeed later: GitLab unreachable, failing or rate limiting after the client's own
    /// retries. Work that meets a transient failure is given back to the bus to come again; anything else is GitLab's
    /// refusal (token, permission, not found, state, content, our configuration) and ends the work with its reason.
    /// </summary>
    public bool IsTransient => Kind is GitLabErrorKind.Network or GitLabErrorKind.Server or GitLabErrorKind.RateLimited;

    /// <summary>GitLab's HTTP status, when it answered.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>GitLab's own message (its <c>message</c> or <c>error</c> field), or what went wrong on the way.</summary>
    public string GitLabMessage { get; }

    /// <summary>E.g. <c>PUT projects/1/merge_requests/4/merge</c>.</summary>
    public string? Request { get; }

    /// <summary>GitLab's <c>error_code</c>, when its answer had one: a cherry-pick's <c>conflict</c> or <c>empty</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Seconds GitLab asked us to wait (429), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
