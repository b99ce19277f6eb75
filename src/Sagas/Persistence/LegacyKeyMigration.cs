using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace GitLabBus.Sagas.Persistence;

/// <summary>
/// Moves what the sagas host kept under the key names used before hash tags (before 2026-12-03: saga instances, their
/// finished copies, journals and locks, and the durable scheduler's messages and sets) to the current names, on a single
/// Redis server; a Redis Cluster never held the old names. Run it once with the sagas hosts stopped. Running it again
/// moves nothing: a key already moved is gone from its old name, and an old key whose new name exists is left as it is.
/// </summary>
public static partial class LegacyKeyMigration
{
    public const string CommandName = "migrate-keys";

    private const string OldScheduler = "gitlabbus:scheduler:";
    private const string NewScheduler = "gitlabbus:{scheduler}:";

    public sealed record Moved(int SagaKeys, int ScheduledMessages, int ScheduleEntries);

    public static async Task<Moved> RunAsync(IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        if (redis.GetServers() is not [{ ServerType: not ServerType.Cluster } server])
        {
            throw new InvalidOperationException("the old key names were only ever written to a single Redis server");
        }

        var database = redis.GetDatabase();
        var sagaKeys = 0;
        await foreach (
            var key in server.KeysAsync(database.Database, "gitlabbus:saga:*", pageSize: 1_000).WithCancellation(cancellationToken)
        )
        {
            if (CurrentName(key.ToString()) is { } current && await database.KeyRenameAsync(key, current, When.NotExists))
            {
                sagaKeys++;
            }
        }

        // Messages before the sets that name them: a claim finding a token without its message would drop it.
        var messages = 0;
        var pattern = OldScheduler + "message:*";
        await foreach (var key in server.KeysAsync(database.Database, pattern, pageSize: 1_000).WithCancellation(cancellationToken))
        {
            var current = NewScheduler + key.ToString()[OldScheduler.Length..];
            if (await database.KeyRenameAsync(key, current, When.NotExists))
            {
                messages++;
            }
        }

        var entries = 0;
        foreach (var set in new[] { "due", "claimed" })
        {
            var old = (RedisKey)(OldScheduler + set);
            entries += (int)await database.SortedSetLengthAsync(old);
            // Union with what the current names already hold, the earlier time winning, then the old set goes.
            await database.SortedSetCombineAndStoreAsync(
                SetOperation.Union,
                NewScheduler + set,
                [NewScheduler + set, old],
                aggregate: Aggregate.Min
            );
            await database.KeyDeleteAsync(old);
        }

        return new Moved(sagaKeys, messages, entries);
    }

    /// <summary>The current name of an old saga key (<c>gitlabbus:saga:{saga}[:finished|:journal|:lock]:{id}</c>), else null.</summary>
    public static string? CurrentName(string key)
    {
        var match = OldSagaKey().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var (saga, kind, id) = (match.Groups["saga"].Value, match.Groups["kind"].Value, Guid.Parse(match.Groups["id"].Value));
        return kind switch
        {
            "finished" => SagaKeys.Finished(saga, id),
            "journal" => SagaKeys.Journal(saga, id),
            "lock" => SagaKeys.Lock(saga, id),
            _ => SagaKeys.Instance(saga, id),
        };
    }

    private const string OldSagaPattern =
        "^gitlabbus:saga:(?<saga>[a-z0-9-]+):(?:(?<kind>finished|journal|lock):)?"
        + "(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$";

    [GeneratedRegex(OldSagaPattern)]
    private static partial Regex OldSagaKey();
}
