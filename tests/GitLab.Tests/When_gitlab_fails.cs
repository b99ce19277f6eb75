using System.Diagnostics;
using System.Net;
using GitLabBus.GitLab;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.GitLab;

/// <summary>The seed's retry table, against faults injected in the simulator.</summary>
public sealed class When_gitlab_fails : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    [Fact]
    public async Task Should_wait_as_retry_after_says_then_succeed_on_rate_limits()
    {
        var client = _gitlab.Client();
        await _gitlab.FaultAsync(
            new
            {
                status = 429,
                count = 2,
                retry_after = 1,
                path_prefix = "/api/v4/projects",
            }
        );

        var clock = Stopwatch.StartNew();
        var project = await client.GetProjectAsync(1, CancellationToken.None);

        Assert.Equal("shop", project.Name);
        Assert.Equal(0, await _gitlab.PendingFaultsAsync());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"two Retry-After: 1 answers were honoured in {clock.Elapsed}");
    }

    [Fact]
    public async Task Should_give_up_after_five_rate_limit_retries()
    {
        var client = _gitlab.Client();
        await _gitlab.FaultAsync(
            new
            {
                status = 429,
                count = 10,
                retry_after = 0,
                path_prefix = "/api/v4/projects",
            }
        );

        var failure = await Assert.ThrowsAsync<GitLabException>(() => client.GetProjectAsync(1, CancellationToken.None));

        Assert.Equal((GitLabErrorKind.RateLimited, HttpStatusCode.TooManyRequests), (failure.Kind, failure.Status));
        Assert.Equal(4, await _gitlab.RemainingFaultRequestsAsync());
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task Should_retry_service_unavailable_with_backoff_then_succeed()
    {
        var client = _gitlab.Client();
        await _gitlab.FaultAsync(
            new
            {
                status = 503,
                count = 3,
                path_prefix = "/api/v4/projects",
            }
        );

        var project = await client.GetProjectAsync(1, CancellationToken.None);

        Assert.Equal(1, project.Id);
        Assert.Equal(0, await _gitlab.PendingFaultsAsync());
    }

    [Fact]
    public async Task Should_report_a_server_error_after_the_configured_retries()
    {
        var client = _gitlab.Client(options => options with { RetryMaxAttempts = 2 });
        await _gitlab.FaultAsync(
            new
            {
                status = 500,
                count = 5,
                path_prefix = "/api/v4/projects",
            }
        );

        var failure = await Assert.ThrowsAsync<GitLabException>(() => client.GetProjectAsync(1, CancellationToken.None));

        Assert.Equal(GitLabErrorKind.Server, failure.Kind);
        Assert.Equal(2, await _gitlab.RemainingFaultRequestsAsync());
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task Should_open_the_circuit_after_repeated_failures_and_close_it_after_the_break()
    {
        var client = _gitlab.Client(options =>
            options with
            {
                RetryMaxAttempts = 0,
                CircuitFailures = 5,
                CircuitBreakDuration = TimeSpan.FromSeconds(1),
            }
        );
        await _gitlab.FaultAsync(
            new
            {
                status = 502,
                count = 5,
                path_prefix = "/api/v4/version",
            }
        );
        for (var call = 0; call < 5; call++)
        {
            Assert.Equal(
                GitLabErrorKind.Server,
                (await Assert.ThrowsAsync<GitLabException>(() => client.GetVersionAsync(CancellationToken.None))).Kind
            );
        }

        var open = await Assert.ThrowsAsync<GitLabException>(() => client.GetVersionAsync(CancellationToken.None));
        var closedAgain = await EventuallySucceedsAsync(() => client.GetVersionAsync(CancellationToken.None));

        Assert.Equal(GitLabErrorKind.Network, open.Kind);
        Assert.Contains("circuit open", open.GitLabMessage, StringComparison.Ordinal);
        Assert.Null(open.Status);
        Assert.True(closedAgain);
    }

    [Fact]
    public async Task Should_map_not_found_and_a_wrong_token_to_their_kinds()
    {
        var notFound = await Assert.ThrowsAsync<GitLabException>(() => _gitlab.Client().GetProjectAsync(999, CancellationToken.None));
        var unauthorized = await Assert.ThrowsAsync<GitLabException>(() =>
            _gitlab.Client(token: "glpat-wrong").GetProjectAsync(1, CancellationToken.None)
        );

        Assert.Equal(
            (GitLabErrorKind.NotFound, "404 Project Not Found", "GET projects/999"),
            (notFound.Kind, notFound.GitLabMessage, notFound.Request)
        );
        Assert.Equal((GitLabErrorKind.Authentication, HttpStatusCode.Unauthorized), (unauthorized.Kind, unauthorized.Status));
        Assert.False(notFound.IsTransient || unauthorized.IsTransient);
    }

    [Fact]
    public async Task Should_not_retry_a_request_gitlab_refused()
    {
        var client = _gitlab.Client();

        var failure = await Assert.ThrowsAsync<GitLabException>(() =>
            client.CreateIssueAsync(1, new("") { Description = "no title" }, CancellationToken.None)
        );

        Assert.Equal((GitLabErrorKind.Validation, "title is missing"), (failure.Kind, failure.GitLabMessage));
        Assert.False(failure.IsTransient);
    }

    private static Task<bool> EventuallySucceedsAsync(Func<Task> call) =>
        GitLabDelivery.EventuallyAsync(async () =>
        {
            try
            {
                await call();
                return true;
            }
            catch (GitLabException)
            {
                return false;
            }
        });
}
