using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Sagas.Scheduling;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit.Serialization;
using StackExchange.Redis;
using IObjectDeserializer = MassTransit.IObjectDeserializer;

namespace GitLabBus.Tests.Integration.Sagas;

/// <summary><c>migrate-keys</c> on a single Redis holding what an earlier version wrote under the names of before hash tags.</summary>
public sealed class When_redis_keys_of_an_earlier_version_are_migrated : IAsyncLifetime
{
    private static readonly IObjectDeserializer Serializer = SystemTextJsonMessageSerializer.Instance;
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly RedisSagaRepositoryOptions<CounterState> _options = new("counter", SagaRetentionSettings.Default);
    private IConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => (_redis, _) = await TestInfrastructure.ConnectToFreshDatabaseAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Should_find_saga_instances_journals_and_scheduled_messages_under_the_current_names()
    {
        var id = Guid.NewGuid();
        var store = new RedisSagaStore<CounterState>(_redis.GetDatabase(), _options);
        await store.AddAsync(Serializer, new CounterState { CorrelationId = id, Count = 3 }, "{\"step\":1}");
        var scheduler = new RedisScheduledMessageStore(_redis);
        var message = new ScheduledMessage
        {
            TokenId = Guid.NewGuid(),
            DueAt = Now,
            Destination = new Uri("exchange:somewhere"),
            ContentType = "application/vnd.masstransit+json",
            Body = """{"message":{}}""",
        };
        await scheduler.ScheduleAsync(message, CancellationToken.None);
        await AsEarlierVersionsNamedThemAsync(id, message.TokenId);
        Assert.Null(await store.LoadAsync(Serializer, id));

        var moved = await LegacyKeyMigration.RunAsync(_redis, CancellationToken.None);
        var again = await LegacyKeyMigration.RunAsync(_redis, CancellationToken.None);

        Assert.Equal(new LegacyKeyMigration.Moved(SagaKeys: 2, ScheduledMessages: 1, ScheduleEntries: 1), moved);
        Assert.Equal(new LegacyKeyMigration.Moved(0, 0, 0), again);
        Assert.Equal(3, (await store.LoadAsync(Serializer, id))!.Count);
        Assert.Equal(1, await _redis.GetDatabase().StreamLengthAsync(_options.JournalKey(id)));
        var claimed = await scheduler.ClaimDueAsync(Now, 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal([message.TokenId], claimed.Select(m => m.TokenId));
    }

    [Theory]
    [InlineData(
        "gitlabbus:saga:backlog-apply:7d3e0a8c-52b1-4a4e-9a53-0f1f3c1b2a10",
        "gitlabbus:saga:{backlog-apply:7d3e0a8c-52b1-4a4e-9a53-0f1f3c1b2a10}"
    )]
    [InlineData(
        "gitlabbus:saga:merge-batch:journal:7d3e0a8c-52b1-4a4e-9a53-0f1f3c1b2a10",
        "gitlabbus:saga:{merge-batch:7d3e0a8c-52b1-4a4e-9a53-0f1f3c1b2a10}:journal"
    )]
    [InlineData("gitlabbus:saga:{merge-batch:7d3e0a8c-52b1-4a4e-9a53-0f1f3c1b2a10}:journal", null)]
    [InlineData("gitlabbus:saga:merge-batch:journal:not-a-guid", null)]
    public void Should_rename_only_the_old_shape(string key, string? current) => Assert.Equal(current, LegacyKeyMigration.CurrentName(key));

    /// <summary>Renames what this version wrote to the names of before 2026-12-03.</summary>
    private async Task AsEarlierVersionsNamedThemAsync(Guid id, Guid token)
    {
        var db = _redis.GetDatabase();
        await db.KeyRenameAsync(_options.InstanceKey(id), $"gitlabbus:saga:counter:{id}");
        await db.KeyRenameAsync(_options.JournalKey(id), $"gitlabbus:saga:counter:journal:{id}");
        await db.KeyRenameAsync($"gitlabbus:{{scheduler}}:message:{token:N}", $"gitlabbus:scheduler:message:{token:N}");
        await db.KeyRenameAsync("gitlabbus:{scheduler}:due", "gitlabbus:scheduler:due");
    }
}
