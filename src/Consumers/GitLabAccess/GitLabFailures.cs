using GitLabBus.Contracts;
using GitLabBus.GitLab;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>
/// The one way a failure of GitLab work becomes an outcome. A transient failure (<see cref="GitLabException.IsTransient"/>)
/// is not an outcome: it is thrown back to the bus, whose retries and redeliveries bring the work again. Anything else
/// is a refusal with the contract's code: the answer to a request, the failure of an operation or of a step.
/// </summary>
public static class GitLabFailures
{
    /// <summary>True for what ends the work with a reason: GitLab's refusals, and a caller's token that expired before it ran.</summary>
    public static bool IsRefusal(Exception failure) => failure is CredentialUnavailableException or GitLabException { IsTransient: false };

    /// <summary>
    /// A refusal of one item among many (its content, its permissions, its state), as opposed to one of the whole work
    /// (the token refused, our configuration): the item is recorded as refused and the others go on.
    /// </summary>
    public static bool RefusesOnlyTheItem(GitLabException failure) =>
        !failure.IsTransient && failure.Kind is not (GitLabErrorKind.Authentication or GitLabErrorKind.Configuration);

    /// <summary>True for what a request is answered with rather than left to time out: every failure of GitLab's, transient or
    /// not.</summary>
    public static bool IsAnswerable(Exception failure) => failure is CredentialUnavailableException or GitLabException;

    /// <summary>
    /// The contract's reading of <paramref name="failure"/> (see <see cref="IsAnswerable"/>): a refusal's code, or
    /// <c>gitlab_unavailable</c> / <c>rate_limited</c> for a transient failure a caller is waiting on. <paramref name="context"/>
    /// prefixes GitLab's words.
    /// </summary>
    public static RequestRefused Refusal(Exception failure, string? context = null) =>
        failure switch
        {
            CredentialUnavailableException unavailable => new(unavailable.Code, unavailable.Message, null),
            GitLabException refused => new(
                CodeOf(refused.Kind),
                context is null ? refused.GitLabMessage : $"{context}: {refused.GitLabMessage}",
                (int?)refused.Status
            ),
            _ => throw new ArgumentException($"{failure.GetType().Name} is not a GitLab failure", nameof(failure)),
        };

    /// <summary>The contract's code for a kind of GitLab failure; transient kinds read as <c>gitlab_unavailable</c>.</summary>
    public static string CodeOf(GitLabErrorKind kind) =>
        kind switch
        {
            GitLabErrorKind.Authentication => ErrorCodes.Unauthorized,
            GitLabErrorKind.Permission => ErrorCodes.Forbidden,
            GitLabErrorKind.NotFound => ErrorCodes.NotFound,
            GitLabErrorKind.State or GitLabErrorKind.Conflict => ErrorCodes.Conflict,
            GitLabErrorKind.Validation => ErrorCodes.InvalidRequest,
            GitLabErrorKind.RateLimited => ErrorCodes.RateLimited,
            _ => ErrorCodes.GitLabUnavailable,
        };
}
