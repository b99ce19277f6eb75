using GitLabBus.GitLab;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.GitLab;

/// <summary>
/// A client whose token comes from a source (an OAuth session's): asked before each call, and asked once for a new token when
/// GitLab answers 401, the call then made again with it; a source that has none leaves GitLab's refusal as it was.
/// </summary>
public sealed class When_a_token_is_renewed : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        await _gitlab.InitializeAsync();
        _provider = new ServiceCollection()
            .AddGitLabClient(new GitLabClientOptions { BaseUrl = new Uri(_gitlab.Url), RequestsPerSecond = 0 })
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _gitlab.DisposeAsync();
    }

    [Fact]
    public async Task Should_call_again_once_with_the_renewed_token_after_a_401()
    {
        var source = new Renewing(new GitLabToken("glpat-expired-long-ago"), new GitLabToken(SimulatorOptions.DefaultToken));

        var user = await Client(source).GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal("root", user.Username);
        Assert.Equal(1, source.Renewals);
    }

    [Fact]
    public async Task Should_leave_the_401_as_it_was_when_the_source_has_no_new_token()
    {
        var source = new Renewing(new GitLabToken("glpat-expired-long-ago"), renewed: null);

        var refused = await Assert.ThrowsAsync<GitLabException>(() => Client(source).GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(GitLabErrorKind.Authentication, refused.Kind);
        Assert.Equal(1, source.Renewals);
    }

    [Fact]
    public async Task Should_not_renew_a_token_GitLab_takes()
    {
        var source = new Renewing(new GitLabToken(SimulatorOptions.DefaultToken), renewed: null);

        await Client(source).GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal(0, source.Renewals);
    }

    private GitLabClient Client(IGitLabTokenSource source) => _provider.GetRequiredService<GitLabClientFactory>().Create(source);

    private sealed class Renewing(GitLabToken current, GitLabToken? renewed) : IGitLabTokenSource
    {
        public int Renewals { get; private set; }

        public ValueTask<GitLabToken> CurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(current);

        public ValueTask<GitLabToken?> RenewAsync(GitLabToken refused, CancellationToken cancellationToken)
        {
            Renewals++;
            Assert.Equal(current.Fingerprint, refused.Fingerprint);
            return ValueTask.FromResult(renewed);
        }
    }
}
