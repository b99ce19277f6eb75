using GitLabBus.Gateway.Identity;
using GitLabBus.Tests.TestSupport.Specifications;

namespace GitLabBus.Tests.Gateway.Identity;

public sealed class InMemoryIdentityStoresSpecs : IdentityStoresSpecification
{
    protected override IUserStore Users() => new InMemoryUserStore();

    protected override IRefreshTokenStore RefreshTokens() => new InMemoryRefreshTokenStore(Settings, Clock);

    protected override ILoginThrottle Throttle() => new InMemoryLoginThrottle(Settings, Clock);

    [Fact]
    public async Task Failures_are_forgotten_when_their_window_ends()
    {
        var throttle = Throttle();
        for (var failure = 0; failure < Settings.MaxFailuresPerUser; failure++)
        {
            await throttle.RecordFailureAsync("bea", "10.0.0.1", CancellationToken.None);
        }

        Clock.Advance(Settings.FailureWindow);

        Assert.Null(await throttle.RefusedForAsync("bea", "10.0.0.1", CancellationToken.None));
    }
}
