using GitLabBus.Runtime.Credentials;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.AspNetCore.DataProtection;

namespace GitLabBus.Tests.Runtime.Credentials;

public sealed class InMemoryGitLabSessionStoreSpecs : GitLabSessionStoreSpecification
{
    private readonly InMemoryGitLabSessionStore _store;

    public InMemoryGitLabSessionStoreSpecs() => _store = new InMemoryGitLabSessionStore(new EphemeralDataProtectionProvider(), Clock);

    protected override IGitLabSessionStore Store() => _store;

    [Fact]
    public async Task A_session_outlives_its_access_token_by_the_grace_to_refresh_it_and_no_longer()
    {
        await _store.SaveAsync("session-d", Session(TimeSpan.FromHours(2)), CancellationToken.None);

        Clock.Advance(TimeSpan.FromHours(2) + GitLabSession.RefreshGrace - TimeSpan.FromSeconds(1));
        Assert.True(await _store.IsConnectedAsync("session-d", CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await _store.IsConnectedAsync("session-d", CancellationToken.None));
        Assert.Null(await _store.GetAsync("session-d", CancellationToken.None));
    }
}
