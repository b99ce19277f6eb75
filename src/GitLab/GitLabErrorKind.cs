namespace GitLabBus.GitLab;

/// <summary>Why a GitLab call failed: the gitlab-pipelines contract's taxonomy, plus the request GitLab found invalid.</summary>
public enum GitLabErrorKind
{
    /// <summary>Our side is misconfigured: no base URL, no token, a replay file without this request.</summary>
    Configuration,

    /// <summary>401: the token is missing, wrong, expired or revoked.</summary>
    Authentication,

    /// <summary>404: the resource does not exist, or the token cannot see it (GitLab answers both the same).</summary>
    NotFound,

    /// <summary>403: the token sees the resource but may not do this (role, scope, protected branch).</summary>
    Permission,

    /// <summary>405/406/412, or GitLab's 403 for "not now": the resource is not in a state that allows this (job not
    /// retryable, merge request not mergeable).</summary>
    State,

    /// <summary>409: the resource changed since it was read, or exists already (a merge request's head moved under a merge
    /// with <c>sha</c>, a member added twice).</summary>
    Conflict,

    /// <summary>400/422: GitLab rejected the request's content (invalid ref, missing title, bad variable).</summary>
    Validation,

    /// <summary>429 after every retry.</summary>
    RateLimited,

    /// <summary>No answer: connection refused or reset, DNS, TLS, timeout, or the circuit is open.</summary>
    Network,

    /// <summary>5xx after every retry.</summary>
    Server,
}
