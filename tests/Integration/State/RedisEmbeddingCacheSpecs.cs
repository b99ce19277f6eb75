using GitLabBus.Consumers.Embeddings;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.State;

/// <summary>The Redis cache passes the same specification as the in-memory one, under the contract's keys.</summary>
public sealed class RedisEmbeddingCacheSpecs : EmbeddingCacheSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;
    private IEmbeddingCache _cache = null!;

    protected override IEmbeddingCache Cache => _cache;

    public async Task InitializeAsync()
    {
        (_redis, _) = await TestInfrastructure.ConnectToFreshDatabaseAsync();
        _cache = new RedisEmbeddingCache(_redis);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Vectors_are_json_number_arrays_under_the_contract_key()
    {
        await Cache.WriteAsync(42, [KeyValuePair.Create("issue-7", new[] { 0.5f, 1f })], CancellationToken.None);

        Assert.Equal("[0.5,1]", (string?)await _redis.GetDatabase().StringGetAsync("embeddings:42:issue-7"));
    }
}
