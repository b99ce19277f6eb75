using GitLabBus.Runtime.Credentials;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Runtime.Credentials;

public sealed class InMemoryCredentialStoreSpecs : CredentialStoreSpecification
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected override Task<ICredentialStore> CreateAsync(TimeSpan lifetime) =>
        Task.FromResult<ICredentialStore>(
            new InMemoryCredentialStore(new EphemeralDataProtectionProvider(), new CredentialSettings(lifetime), _time)
        );

    protected override Task PassAsync(TimeSpan time)
    {
        _time.Advance(time);
        return Task.CompletedTask;
    }
}
