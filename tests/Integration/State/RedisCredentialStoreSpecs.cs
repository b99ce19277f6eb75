using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.State;

/// <summary>The Redis store, wired as the hosts wire it (Data Protection keys in Redis), passes the same specification.</summary>
public class RedisCredentialStoreSpecs : CredentialStoreSpecification, IAsyncLifetime
{
    private readonly List<ServiceProvider> _hosts = [];
    private string _redisUrl = null!;

    public async Task InitializeAsync() => _redisUrl = await RedisUrlAsync();

    /// <summary>The <c>REDIS_URL</c> of this class's hosts: a database of its own on the single server.</summary>
    protected virtual async Task<string> RedisUrlAsync() => TestInfrastructure.RedisUrl(await TestInfrastructure.TakeRedisDatabaseAsync());

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    protected override Task<ICredentialStore> CreateAsync(TimeSpan lifetime) =>
        Task.FromResult(Host(lifetime).GetRequiredService<ICredentialStore>());

    protected override Task PassAsync(TimeSpan time) => Task.Delay(time);

    [Fact]
    public async Task Should_keep_only_ciphertext_in_redis_and_let_another_host_read_it()
    {
        var writer = Host(TimeSpan.FromMinutes(5));
        var reader = Host(TimeSpan.FromMinutes(5));

        var reference = await writer.GetRequiredService<ICredentialStore>().PutAsync(new Credential(Secret), CancellationToken.None);
        var stored = await writer
            .GetRequiredService<IConnectionMultiplexer>()
            .GetDatabase()
            .StringGetAsync($"gitlabbus:credentials:{reference}");
        var ttl = await writer
            .GetRequiredService<IConnectionMultiplexer>()
            .GetDatabase()
            .KeyTimeToLiveAsync($"gitlabbus:credentials:{reference}");
        var read = await reader.GetRequiredService<ICredentialStore>().GetAsync(reference, CancellationToken.None);

        Assert.False(stored.IsNull);
        Assert.DoesNotContain(Secret, stored.ToString(), StringComparison.Ordinal);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal(Secret, read!.Reveal(value => value));
    }

    /// <summary>A process's state services on this class's database, as <c>AddGitLabBusState</c> registers them.</summary>
    private ServiceProvider Host(TimeSpan lifetime)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["REDIS_URL"] = _redisUrl,
                    ["CREDENTIAL_TTL_SECONDS"] = ((int)Math.Max(10, lifetime.TotalSeconds)).ToString(
                        System.Globalization.CultureInfo.InvariantCulture
                    ),
                }
            )
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddGitLabBusState(RuntimeSettings.Read(configuration));
        if (lifetime < TimeSpan.FromSeconds(10))
        {
            services.AddSingleton(new CredentialSettings(lifetime));
        }

        var host = services.BuildServiceProvider();
        _hosts.Add(host);
        return host;
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas), Data Protection's keys included.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterCredentialStoreSpecs : RedisCredentialStoreSpecs
{
    protected override async Task<string> RedisUrlAsync()
    {
        await (await TestInfrastructure.ConnectToEmptiedClusterAsync()).DisposeAsync();
        return TestInfrastructure.RedisClusterUrl;
    }
}
