using StackExchange.Redis;

namespace GitLabBus.Runtime.Jobs;

/// <summary><c>gitlabbus:jobs:lease:{job}</c> = a holder token, set only if absent, renewed and released only by its holder.</summary>
public sealed class RedisJobLease(IConnectionMultiplexer redis) : IJobLease
{
    private static readonly LuaScript Renew = LuaScript.Prepare(
        """
        if redis.call('GET', @key) ~= @token then return 0 end
        redis.call('PEXPIRE', @key, @ms)
        return 1
        """
    );

    private static readonly LuaScript Release = LuaScript.Prepare(
        """
        if redis.call('GET', @key) ~= @token then return 0 end
        if tonumber(@ms) > 0 then redis.call('PEXPIRE', @key, @ms) else redis.call('DEL', @key) end
        return 1
        """
    );

    public static string Key(string job) => $"gitlabbus:jobs:lease:{job}";

    public async Task<IHeldJobLease?> TryAcquireAsync(string job, TimeSpan duration, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var database = redis.GetDatabase();
        return await database.StringSetAsync(Key(job), token, duration, When.NotExists) ? new Held(database, Key(job), token) : null;
    }

    private sealed class Held(IDatabase database, RedisKey key, string token) : IHeldJobLease
    {
        public async Task<bool> RenewAsync(TimeSpan duration) =>
            (int)
                await database.ScriptEvaluateAsync(
                    Renew,
                    new
                    {
                        key,
                        token,
                        ms = (long)duration.TotalMilliseconds,
                    }
                ) == 1;

        public Task ReleaseAsync(TimeSpan keepFor) =>
            database.ScriptEvaluateAsync(
                Release,
                new
                {
                    key,
                    token,
                    ms = Math.Max(0L, (long)keepFor.TotalMilliseconds),
                }
            );
    }
}
