using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Specifications;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.State;

/// <summary>The Redis progress (stream + channel) passes the same specification as the in-memory one.</summary>
public class RedisOperationProgressSpecs : OperationProgressSpecification, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectAsync();
    }

    /// <summary>The Redis this class runs on: a database of its own on the single server.</summary>
    protected virtual async Task<IConnectionMultiplexer> ConnectAsync() => (await TestInfrastructure.ConnectToFreshDatabaseAsync()).Redis;

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override Task<IOperationProgress> CreateAsync() =>
        Task.FromResult<IOperationProgress>(new RedisOperationProgress(_redis, TimeProvider.System));

    [Fact]
    public async Task Events_use_the_contract_stream_and_channel_and_expire()
    {
        var progress = await CreateAsync();
        var id = Guid.NewGuid().ToString("N");
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _redis
            .GetSubscriber()
            .SubscribeAsync(RedisChannel.Literal($"gitlabbus:progress:{id}"), (_, message) => announced.TrySetResult(message!));

        await progress.StartedAsync(id, "x", CancellationToken.None);

        Assert.Contains("\"started\"", await announced.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await _redis.GetDatabase().StreamLengthAsync($"gitlabbus:ops:{id}"));
        Assert.InRange(
            (await _redis.GetDatabase().KeyTimeToLiveAsync($"gitlabbus:ops:{id}"))!.Value,
            TimeSpan.FromHours(23),
            TimeSpan.FromHours(24)
        );
    }
}

/// <summary>The same specification on a Redis Cluster (three masters, three replicas): each script keeps to one slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterOperationProgressSpecs : RedisOperationProgressSpecs
{
    protected override Task<IConnectionMultiplexer> ConnectAsync() => TestInfrastructure.ConnectToEmptiedClusterAsync();
}
