using GitLabBus.Runtime.Hosting;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Sagas.Persistence;
using GitLabBus.Sagas.Replay;
using StackExchange.Redis;

namespace GitLabBus.Sagas;

/// <summary>
/// The sagas host: state machines and the scheduler endpoint, on RabbitMQ and Redis, with <c>/health</c> on :8082.
/// <c>replay &lt;saga&gt; &lt;correlation-id&gt;</c> replays a saga's journal instead and prints its timeline;
/// <c>migrate-keys</c> moves state kept under the key names of before 2026-12-03 to the current ones.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        args is [LegacyKeyMigration.CommandName] ? MigrateKeysAsync()
        : args is [ReplayCommand.Name, ..]
            ? ReplayCommand.RunAsync(
                args[1..],
                new ConfigurationBuilder().AddEnvironmentVariables().Build(),
                Console.Out,
                Console.Error,
                (services, settings) => services.AddSagaInspection(settings),
                CancellationToken.None
            )
        : RoleHost.RunAsync(args, SagasRole.Name, "http://127.0.0.1:8082", (services, settings) => services.AddSagasRole(settings));

    private static async Task<int> MigrateKeysAsync()
    {
        RedisSettings redis;
        try
        {
            redis = RedisSettings.Read(new SettingsReader(new ConfigurationBuilder().AddEnvironmentVariables().Build()));
        }
        catch (InvalidSettingException invalid)
        {
            await Console.Error.WriteLineAsync(invalid.Message);
            return 2;
        }

        if (redis.InMemory)
        {
            await Console.Error.WriteLineAsync("configuration error: REDIS_URL is required: the keys to move are in Redis");
            return 2;
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisConnection.Options(redis));
        var moved = await LegacyKeyMigration.RunAsync(connection, CancellationToken.None);
        Console.WriteLine(
            $"moved {moved.SagaKeys} saga keys, {moved.ScheduledMessages} scheduled messages and {moved.ScheduleEntries} schedule entries"
        );
        return 0;
    }
}
