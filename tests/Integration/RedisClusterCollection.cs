namespace GitLabBus.Tests.Integration;

/// <summary>
/// The classes that run on the one Redis Cluster the test command starts. A cluster has a single database, so they run one
/// at a time, each emptying it first (<see cref="TestSupport.TestInfrastructure.ConnectToEmptiedClusterAsync"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection
{
    public const string Name = "redis-cluster";
}
