using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every credential store does: give the token back by its reference, as it was, until it expires.</summary>
public abstract class CredentialStoreSpecification
{
    protected const string Secret = "glpat-credential-spec-9f8e7d6c5b4a";

    protected abstract Task<ICredentialStore> CreateAsync(TimeSpan lifetime);

    [Fact]
    public async Task Should_give_back_the_token_and_its_kind_by_its_reference()
    {
        var store = await CreateAsync(TimeSpan.FromMinutes(5));

        var personal = await store.PutAsync(new Credential(Secret), CancellationToken.None);
        var oauth = await store.PutAsync(new Credential(Secret, CredentialKind.OAuth), CancellationToken.None);

        Assert.Equal(Secret, (await store.GetAsync(personal, CancellationToken.None))!.Reveal(value => value));
        Assert.False((await store.GetAsync(personal, CancellationToken.None))!.IsOAuth);
        Assert.True((await store.GetAsync(oauth, CancellationToken.None))!.IsOAuth);
        var session = await store.PutAsync(new Credential("session-1", CredentialKind.Session), CancellationToken.None);
        Assert.Equal(CredentialKind.Session, (await store.GetAsync(session, CancellationToken.None))!.Kind);
        Assert.NotEqual(personal, oauth);
        Assert.DoesNotContain(Secret, personal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cred_00000000000000000000000000000000")]
    [InlineData("not-a-reference")]
    [InlineData("")]
    public async Task Should_know_nothing_of_an_unknown_or_malformed_reference(string reference)
    {
        var store = await CreateAsync(TimeSpan.FromMinutes(5));

        Assert.Null(await store.GetAsync(reference, CancellationToken.None));
    }

    [Fact]
    public async Task Should_forget_the_token_once_its_lifetime_is_over()
    {
        var store = await CreateAsync(TimeSpan.FromSeconds(1));
        var reference = await store.PutAsync(new Credential(Secret), CancellationToken.None);

        await PassAsync(TimeSpan.FromSeconds(2));

        Assert.Null(await store.GetAsync(reference, CancellationToken.None));
    }

    /// <summary>Lets the store's clock move on: a fake clock for the in-memory store, real time for Redis's key expiry.</summary>
    protected abstract Task PassAsync(TimeSpan time);
}
