using GitLabBus.Consumers.Identity;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Identity;

/// <summary>The Redis stores of organisations pass the same specification; an organisation's token is ciphertext in Redis.</summary>
public class RedisOrganisationStoresSpecs : OrganisationStoresSpecification, IAsyncLifetime
{
    private readonly IDataProtectionProvider _protection = new EphemeralDataProtectionProvider();
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectAsync();

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override IOrgIntegrationStore Integrations() => new RedisOrgIntegrationStore(_redis, _protection);

    protected override ITaskLinkStore Links() => new RedisTaskLinkStore(_redis);

    protected override IOrgAuditLog Audit() => new RedisOrgAuditLog(_redis);

    [Fact]
    public async Task Only_ciphertext_of_the_token_and_a_hash_of_the_secret_are_kept()
    {
        await Integrations().SaveAsync(Integration("umbrella"), CancellationToken.None);

        var fields = await _redis.GetDatabase().HashGetAllAsync(RedisOrgIntegrationStore.Key("umbrella"));

        Assert.NotEmpty(fields);
        Assert.DoesNotContain(fields, field => field.Value.ToString().Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(fields, field => field.Value.ToString().Contains("acme-secret-0123456", StringComparison.Ordinal));
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterOrganisationStoresSpecs : RedisOrganisationStoresSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
