using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab;

/// <summary>Who a token is, and what access a user has to a project: what "Developer access" and "our own notes" rest on.</summary>
public sealed class When_users_and_members_are_read : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    [Fact]
    public async Task Should_know_the_demos_service_user_and_developer_by_their_tokens_and_access()
    {
        var root = _gitlab.Client();
        var bot = await _gitlab.Client(token: SimulatorOptions.BotToken).GetCurrentUserAsync(CancellationToken.None);
        var alice = await _gitlab.Client(token: SimulatorOptions.DeveloperToken).GetCurrentUserAsync(CancellationToken.None);

        var botAccess = await root.FindMemberAsync(1, bot.Id, CancellationToken.None);
        var aliceAccess = await root.FindMemberAsync("demo/shop", alice.Id, CancellationToken.None);
        var rootAccess = await root.FindMemberAsync(1, (await root.GetCurrentUserAsync(CancellationToken.None)).Id, CancellationToken.None);

        Assert.Equal((SimulatorOptions.BotUsername, GitLabAccessLevel.Maintainer), (bot.Username, botAccess!.Level));
        Assert.Equal((SimulatorOptions.DeveloperUsername, GitLabAccessLevel.Developer), (alice.Username, aliceAccess!.Level));
        Assert.Null(rootAccess);
    }

    [Fact]
    public async Task Should_let_an_administrator_make_a_user_with_a_token_and_a_membership()
    {
        var root = _gitlab.Client();

        var carol = await root.CreateUserAsync(new NewGitLabUser("carol", "Carol Example", "carol@example.com"), CancellationToken.None);
        var token = await root.CreatePersonalAccessTokenAsync(carol.Id, "ci", ["api"], CancellationToken.None);
        await root.AddMemberAsync(1, carol.Id, GitLabAccessLevel.Reporter, CancellationToken.None);
        var asCarol = await _gitlab.Client(token: token.Token!).GetCurrentUserAsync(CancellationToken.None);
        var access = await root.FindMemberAsync(1, carol.Id, CancellationToken.None);

        Assert.Equal("carol", asCarol.Username);
        Assert.Equal(GitLabAccessLevel.Reporter, access!.Level);
        Assert.DoesNotContain(token.Token!, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_users_made_by_someone_who_is_no_administrator()
    {
        var alice = _gitlab.Client(token: SimulatorOptions.DeveloperToken);

        var refused = await Assert.ThrowsAsync<GitLabException>(() =>
            alice.CreateUserAsync(new NewGitLabUser("mallory", "Mallory", "mallory@example.com"), CancellationToken.None)
        );

        Assert.Equal(GitLabErrorKind.Permission, refused.Kind);
    }
}
