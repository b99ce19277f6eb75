using GitLabBus.Runtime.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>
/// What every store of OAuth sessions does: give a session's tokens back as they were saved, forget them on delete, and
/// let an OAuth state be spent once. The in-memory store runs it in the runtime tests, the Redis one on a real Redis.
/// </summary>
public abstract class GitLabSessionStoreSpecification
{
    protected const string AccessToken = "gloat-session-spec-access-6d5c4b3a";
    protected const string RefreshToken = "gloat-session-spec-refresh-1a2b3c4d";

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected abstract IGitLabSessionStore Store();

    protected GitLabSession Session(TimeSpan expiresIn) =>
        new(new Credential(AccessToken, CredentialKind.OAuth), new Credential(RefreshToken), Clock.GetUtcNow() + expiresIn);

    [Fact]
    public async Task A_session_is_given_back_as_saved_until_it_is_deleted()
    {
        var store = Store();
        var expiresAt = Session(TimeSpan.FromHours(2)).ExpiresAt;

        await store.SaveAsync("session-a", Session(TimeSpan.FromHours(2)), CancellationToken.None);
        var read = await store.GetAsync("session-a", CancellationToken.None);

        Assert.Equal(AccessToken, read!.AccessToken.Reveal(value => value));
        Assert.True(read.AccessToken.IsOAuth);
        Assert.Equal(RefreshToken, read.RefreshToken.Reveal(value => value));
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), read.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.True(await store.IsConnectedAsync("session-a", CancellationToken.None));
        Assert.False(await store.IsConnectedAsync("session-b", CancellationToken.None));
        Assert.True(await store.DeleteAsync("session-a", CancellationToken.None));
        Assert.False(await store.DeleteAsync("session-a", CancellationToken.None));
        Assert.Null(await store.GetAsync("session-a", CancellationToken.None));
        Assert.False(await store.IsConnectedAsync("session-a", CancellationToken.None));
    }

    [Fact]
    public async Task A_saved_session_replaces_the_one_before()
    {
        var store = Store();
        await store.SaveAsync("session-c", Session(TimeSpan.FromHours(2)), CancellationToken.None);
        var renewed = new GitLabSession(
            new Credential("gloat-renewed", CredentialKind.OAuth),
            new Credential("gloat-renewed-refresh"),
            Clock.GetUtcNow().AddHours(4)
        );

        await store.SaveAsync("session-c", renewed, CancellationToken.None);

        Assert.Equal("gloat-renewed", (await store.GetAsync("session-c", CancellationToken.None))!.AccessToken.Reveal(value => value));
    }

    [Fact]
    public async Task An_oauth_state_is_spent_once()
    {
        var store = Store();
        var until = Clock.GetUtcNow().AddMinutes(10);

        Assert.True(await store.SpendStateAsync("nonce-1", until, CancellationToken.None));
        Assert.False(await store.SpendStateAsync("nonce-1", until, CancellationToken.None));
        Assert.True(await store.SpendStateAsync("nonce-2", until, CancellationToken.None));
    }
}
