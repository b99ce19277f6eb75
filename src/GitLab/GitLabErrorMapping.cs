namespace GitLabBus.GitLab;

/// <summary>How a GitLab failure reads to our own clients: the contract's HTTP status and error code.</summary>
public static class GitLabErrorMapping
{
    public static (int Status, string Code) ToContractError(this GitLabException error) => error.Kind switch
    {
        GitLabErrorKind.Authentication => (401, "unauthorized"),
        GitLabErrorKind.Permission => (403, "forbidden"),
        GitLabErrorKind.NotFound => (404, "not_found"),
        GitLabErrorKind.State => (409, "conflict"),
        GitLabErrorKind.Validation => (400, "invalid_request"),
        GitLabErrorKind.RateLimited => (429, "rate_limited"),
        _ => (503, "gitlab_unavailable"),
    };

    internal static GitLabErrorKind KindOf(int status) => status switch
    {
        401 => GitLabErrorKind.Authentication,
        403 => GitLabErrorKind.Permission,
        404 => GitLabErrorKind.NotFound,
        405 or 406 or 409 or 412 => GitLabErrorKind.State,
        429 => GitLabErrorKind.RateLimited,
        >= 500 => GitLabErrorKind.Server,
        _ => GitLabErrorKind.Validation,
    };
}
