using GitLabBus.Consumers.Embeddings;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.State;

/// <summary>The Redis cache passes the same specification as the in-memory one, under the contract's keys.</summary>
public class RedisEmbeddingCacheSpecs : EmbeddingCacheSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;
    private IEmbeddingCache _cache = null!;

    protected override IEmbeddingCache Cache => _cache;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
        _cache = new RedisEmbeddingCache(_redis);
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Vectors_are_json_number_arrays_under_the_contract_key()
    {
        await Cache.WriteAsync(42, Model, [Issue(7, 0.5f, 1f)], CancellationToken.None);

        Assert.Equal("[0.5,1]", (string?)await _redis.GetDatabase().StringGetAsync("embeddings:42:issue-7"));
    }

    [Fact]
    public async Task A_vector_that_is_not_the_one_its_record_was_written_with_is_not_taken()
    {
        var project = NewProject();
        await Cache.WriteAsync(project, Model, [Issue(3, 1f, 0f)], CancellationToken.None);
        // As if another model's write had replaced the vector and died before its record.
        await _redis.GetDatabase().StringSetAsync($"embeddings:{project}:issue-3", "[0,1]");

        var read = await Cache.GetManyAsync(project, Model, ["issue-3"], CancellationToken.None);
        var all = new List<CachedTitle>();
        await foreach (var page in Cache.ReadAllAsync(project, Model, CancellationToken.None))
        {
            all.AddRange(page);
        }

        Assert.Empty(read);
        Assert.Empty(all);
    }

    /// <summary>A single server is searched for vectors older than their records; a cluster never scans its keyspace.</summary>
    protected virtual bool FindsVectorsWithoutRecords => true;

    [Fact]
    public async Task A_vector_cached_before_titles_were_recorded_is_no_models_and_a_completed_run_removes_it()
    {
        var project = NewProject();
        await _redis.GetDatabase().StringSetAsync($"embeddings:{project}:issue-5", "[1,0]");

        var read = await Cache.GetManyAsync(project, Model, ["issue-5"], CancellationToken.None);
        await Cache.CompleteRunAsync(project, Model, new HashSet<string>(), CancellationToken.None);

        Assert.Empty(read);
        Assert.Equal(!FindsVectorsWithoutRecords, await _redis.GetDatabase().KeyExistsAsync($"embeddings:{project}:issue-5"));
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterEmbeddingCacheSpecs : RedisEmbeddingCacheSpecs
{
    protected override bool FindsVectorsWithoutRecords => false;

    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
