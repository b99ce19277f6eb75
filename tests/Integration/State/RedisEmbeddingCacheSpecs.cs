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
        await Cache.WriteAsync(42, Model, [Issue(7, 0.5f, 1f)], CancellationToken.None);

        Assert.Equal("[0.5,1]", (string?)await _redis.GetDatabase().StringGetAsync("embeddings:42:issue-7"));
    }

    [Fact]
    public async Task A_vector_cached_before_titles_were_recorded_is_no_models_and_a_completed_run_removes_it()
    {
        var project = NewProject();
        await _redis.GetDatabase().StringSetAsync($"embeddings:{project}:issue-5", "[1,0]");

        var read = await Cache.GetManyAsync(project, Model, ["issue-5"], CancellationToken.None);
        await Cache.CompleteRunAsync(project, Model, new HashSet<string>(), CancellationToken.None);

        Assert.Empty(read);
        Assert.False(await _redis.GetDatabase().KeyExistsAsync($"embeddings:{project}:issue-5"));
    }
}
