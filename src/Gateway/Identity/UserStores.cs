using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Identity;

/// <summary>Users in one Redis hash, a field per username holding the account as JSON: every replica sees the same users.</summary>
public sealed class RedisUserStore(IConnectionMultiplexer redis) : IUserStore
{
    public const string Key = "gitlabbus:auth:users";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Db => redis.GetDatabase();

    public async Task<UserAccount?> GetAsync(string username, CancellationToken cancellationToken)
    {
        var stored = await Db.HashGetAsync(Key, username);
        return stored.IsNull ? null : JsonSerializer.Deserialize<UserAccount>(stored.ToString(), Json);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken) =>
        [
            .. (await Db.HashValuesAsync(Key))
                .Select(value => JsonSerializer.Deserialize<UserAccount>(value.ToString(), Json)!)
                .OrderBy(user => user.Username, StringComparer.Ordinal),
        ];

    public Task<bool> AddAsync(UserAccount user, CancellationToken cancellationToken) =>
        Db.HashSetAsync(Key, user.Username, JsonSerializer.Serialize(user, Json), When.NotExists);

    public async Task<bool> ReplaceAsync(UserAccount user, CancellationToken cancellationToken)
    {
        // Only an existing field is replaced: a user deleted meanwhile is not brought back.
        var replaced = await Db.ScriptEvaluateAsync(
            "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end return 0",
            [Key],
            [user.Username, JsonSerializer.Serialize(user, Json)]
        );
        return (int)replaced == 1;
    }

    public Task<bool> DeleteAsync(string username, CancellationToken cancellationToken) => Db.HashDeleteAsync(Key, username);
}

/// <summary>The embedded mode's users, in this process.</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly ConcurrentDictionary<string, UserAccount> _users = new(StringComparer.Ordinal);

    public Task<UserAccount?> GetAsync(string username, CancellationToken cancellationToken) =>
        Task.FromResult(_users.GetValueOrDefault(username));

    public Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UserAccount>>([.. _users.Values.OrderBy(user => user.Username, StringComparer.Ordinal)]);

    public Task<bool> AddAsync(UserAccount user, CancellationToken cancellationToken) =>
        Task.FromResult(_users.TryAdd(user.Username, user));

    public Task<bool> ReplaceAsync(UserAccount user, CancellationToken cancellationToken)
    {
        while (_users.TryGetValue(user.Username, out var current))
        {
            if (_users.TryUpdate(user.Username, user, current))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    public Task<bool> DeleteAsync(string username, CancellationToken cancellationToken) =>
        Task.FromResult(_users.TryRemove(username, out _));
}
