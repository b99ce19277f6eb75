using System.Text.RegularExpressions;

namespace GitLabBus.GitLab;

/// <summary>How GitLab's answers read as failure kinds: the one place a status (and, for 403, GitLab's words) becomes a kind.</summary>
internal static partial class GitLabErrorMapping
{
    internal static GitLabErrorKind KindOf(int status, string message, string? errorCode = null) =>
        status switch
        {
            // A cherry-pick that conflicts: 400 with error_code "conflict" (an empty one says "empty" and stays a refusal).
            400 when errorCode == "conflict" => GitLabErrorKind.Conflict,
            401 => GitLabErrorKind.Authentication,

            // GitLab answers 403 both for "you may not" and for "not now": a job or pipeline in the wrong state.
            403 when NotInState().IsMatch(message) => GitLabErrorKind.State,
            403 => GitLabErrorKind.Permission,
            404 => GitLabErrorKind.NotFound,
            405 or 406 or 412 => GitLabErrorKind.State,

            // "Branch cannot be merged": the merge was tried and failed (GitLab answered 406 before 422).
            422 when message.Contains("cannot be merged", StringComparison.OrdinalIgnoreCase) => GitLabErrorKind.State,
            409 => GitLabErrorKind.Conflict,
            429 => GitLabErrorKind.RateLimited,
            >= 500 => GitLabErrorKind.Server,
            _ => GitLabErrorKind.Validation,
        };

    // GitLab's 403s for a job or pipeline in the wrong state: "Job is not retryable", "Unplayable Job", "Job is not cancelable".
    [GeneratedRegex("not retryable|unplayable|not cancelable|cannot be (retried|canceled|played)", RegexOptions.IgnoreCase)]
    private static partial Regex NotInState();
}
