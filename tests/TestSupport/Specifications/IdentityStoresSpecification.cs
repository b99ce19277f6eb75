using GitLabBus.Gateway.Identity;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>
/// What the identity stores must do (users, refresh tokens, login counters). The in-memory stores run it in the gateway
/// tests; the Redis stores run the same specification against a real Redis in the integration tests.
/// </summary>
public abstract class IdentityStoresSpecification
{
    protected static readonly IdentitySettings Settings = new() { MaxFailuresPerUser = 3, MaxFailuresPerAddress = 5 };

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    protected abstract IUserStore Users();

    protected abstract IRefreshTokenStore RefreshTokens();

    protected abstract ILoginThrottle Throttle();

    [Fact]
    public async Task A_user_is_added_once_replaced_only_while_it_exists_and_listed_by_name()
    {
        var users = Users();
        var bea = User("bea");

        Assert.True(await users.AddAsync(bea, CancellationToken.None));
        Assert.False(await users.AddAsync(bea with { Roles = ["admin"] }, CancellationToken.None));
        Assert.True(await users.AddAsync(User("al"), CancellationToken.None));
        Assert.True(await users.ReplaceAsync(bea with { Projects = [7], Orgs = ["acme"] }, CancellationToken.None));
        Assert.False(await users.ReplaceAsync(User("ghost"), CancellationToken.None));

        Assert.Equal([7L], (await users.GetAsync("bea", CancellationToken.None))!.Projects);
        Assert.Equal(["acme"], (await users.GetAsync("bea", CancellationToken.None))!.Orgs);
        Assert.Empty((await users.GetAsync("al", CancellationToken.None))!.Orgs);
        Assert.Equal(["viewer"], (await users.GetAsync("bea", CancellationToken.None))!.Roles);
        Assert.Null(await users.GetAsync("ghost", CancellationToken.None));
        Assert.Equal(["al", "bea"], (await users.ListAsync(CancellationToken.None)).Select(user => user.Username));
        Assert.True(await users.DeleteAsync("al", CancellationToken.None));
        Assert.False(await users.DeleteAsync("al", CancellationToken.None));
    }

    [Fact]
    public async Task A_refresh_token_is_good_once_and_its_reuse_revokes_the_family()
    {
        var tokens = RefreshTokens();
        var first = await tokens.IssueAsync("bea", null, CancellationToken.None);

        var redeemed = await tokens.RedeemAsync(first, CancellationToken.None);
        var next = await tokens.IssueAsync("bea", redeemed.Family, CancellationToken.None);
        var reused = await tokens.RedeemAsync(first, CancellationToken.None);
        var afterReuse = await tokens.RedeemAsync(next, CancellationToken.None);

        Assert.Equal((RefreshOutcome.Valid, "bea"), (redeemed.Outcome, redeemed.Username));
        Assert.Equal(RefreshOutcome.Reused, reused.Outcome);
        Assert.Equal((RefreshOutcome.Revoked, redeemed.Family), (afterReuse.Outcome, afterReuse.Family));
    }

    [Fact]
    public async Task Families_are_apart_and_what_is_not_a_token_is_unknown()
    {
        var tokens = RefreshTokens();
        var bea = await tokens.IssueAsync("bea", null, CancellationToken.None);
        var al = await tokens.IssueAsync("al", null, CancellationToken.None);
        await tokens.RedeemAsync(bea, CancellationToken.None);
        await tokens.RedeemAsync(bea, CancellationToken.None);

        Assert.Equal((RefreshOutcome.Valid, "al"), ((await tokens.RedeemAsync(al, CancellationToken.None)).Outcome, "al"));
        Assert.Equal(RefreshOutcome.Unknown, (await tokens.RedeemAsync("not-a-token", CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Unknown, (await tokens.RedeemAsync(bea[..33] + "forged", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_refresh_token_expires_after_its_lifetime()
    {
        var tokens = RefreshTokens();
        var token = await tokens.IssueAsync("bea", null, CancellationToken.None);

        Clock.Advance(Settings.RefreshTokenLifetime + TimeSpan.FromSeconds(1));

        Assert.NotEqual(RefreshOutcome.Valid, (await tokens.RedeemAsync(token, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task One_token_redeemed_many_times_at_once_is_valid_exactly_once()
    {
        var tokens = RefreshTokens();
        var token = await tokens.IssueAsync("bea", null, CancellationToken.None);

        var redemptions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => tokens.RedeemAsync(token, CancellationToken.None)));

        Assert.Single(redemptions, redemption => redemption.Outcome == RefreshOutcome.Valid);
    }

    [Fact]
    public async Task Logins_are_refused_past_the_failures_of_a_user_or_an_address_and_a_login_forgets_the_users()
    {
        var throttle = Throttle();
        for (var failure = 0; failure < Settings.MaxFailuresPerUser - 1; failure++)
        {
            await throttle.RecordFailureAsync("bea", "10.0.0.1", CancellationToken.None);
        }

        Assert.Null(await throttle.RefusedForAsync("bea", "10.0.0.1", CancellationToken.None));
        await throttle.RecordFailureAsync("bea", "10.0.0.1", CancellationToken.None);
        var refused = await throttle.RefusedForAsync("bea", "10.0.0.2", CancellationToken.None);
        Assert.InRange(refused!.Value, TimeSpan.FromSeconds(1), Settings.FailureWindow);
        Assert.Null(await throttle.RefusedForAsync("al", "10.0.0.2", CancellationToken.None));

        await throttle.ForgetAsync("bea", CancellationToken.None);
        Assert.Null(await throttle.RefusedForAsync("bea", "10.0.0.1", CancellationToken.None));

        // Five failures from one address, whatever the names: that address is refused for everyone.
        await throttle.RecordFailureAsync("al", "10.0.0.1", CancellationToken.None);
        await throttle.RecordFailureAsync(null, "10.0.0.1", CancellationToken.None);
        Assert.NotNull(await throttle.RefusedForAsync("someone", "10.0.0.1", CancellationToken.None));
        Assert.Null(await throttle.RefusedForAsync("someone", "10.0.0.3", CancellationToken.None));
    }

    private UserAccount User(string name) => new(name, "hash", ["viewer"], [], Clock.GetUtcNow(), Clock.GetUtcNow());
}
