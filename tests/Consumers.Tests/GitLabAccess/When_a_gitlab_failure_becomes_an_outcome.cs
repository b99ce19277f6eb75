using System.Net;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;

namespace GitLabBus.Tests.Consumers.GitLabAccess;

/// <summary>The one classification every consumer uses: what ends work with a reason, what comes back later, and its code.</summary>
public sealed class When_a_gitlab_failure_becomes_an_outcome
{
    [Theory]
    [InlineData(GitLabErrorKind.Authentication, ErrorCodes.Unauthorized, true, false)]
    [InlineData(GitLabErrorKind.Permission, ErrorCodes.Forbidden, true, true)]
    [InlineData(GitLabErrorKind.NotFound, ErrorCodes.NotFound, true, true)]
    [InlineData(GitLabErrorKind.State, ErrorCodes.Conflict, true, true)]
    [InlineData(GitLabErrorKind.Conflict, ErrorCodes.Conflict, true, true)]
    [InlineData(GitLabErrorKind.Validation, ErrorCodes.InvalidRequest, true, true)]
    [InlineData(GitLabErrorKind.Configuration, ErrorCodes.GitLabUnavailable, true, false)]
    [InlineData(GitLabErrorKind.RateLimited, ErrorCodes.RateLimited, false, false)]
    [InlineData(GitLabErrorKind.Network, ErrorCodes.GitLabUnavailable, false, false)]
    [InlineData(GitLabErrorKind.Server, ErrorCodes.GitLabUnavailable, false, false)]
    public void Should_end_refusals_with_their_code_and_give_transient_failures_back(
        GitLabErrorKind kind,
        string code,
        bool refusal,
        bool itemOnly
    )
    {
        var failure = new GitLabException(kind, "what GitLab said", HttpStatusCode.Conflict, "POST projects/1/pipeline");

        Assert.Equal(refusal, GitLabFailures.IsRefusal(failure));
        Assert.Equal(itemOnly, GitLabFailures.RefusesOnlyTheItem(failure));
        Assert.True(GitLabFailures.IsAnswerable(failure));
        Assert.Equal(new RequestRefused(code, "GitLab refused: what GitLab said", 409), GitLabFailures.Refusal(failure, "GitLab refused"));
    }

    [Fact]
    public void Should_refuse_work_whose_callers_token_expired_as_unauthorized()
    {
        var expired = new CredentialUnavailableException();

        Assert.True(GitLabFailures.IsRefusal(expired));
        Assert.Equal((ErrorCodes.Unauthorized, null), (GitLabFailures.Refusal(expired).Code, GitLabFailures.Refusal(expired).GitLabStatus));
    }

    [Fact]
    public void Should_leave_other_failures_to_the_bus()
    {
        var bug = new InvalidOperationException("a bug of ours");

        Assert.False(GitLabFailures.IsRefusal(bug));
        Assert.False(GitLabFailures.IsAnswerable(bug));
    }
}
