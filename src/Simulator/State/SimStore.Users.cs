using System.Security.Cryptography;
using System.Text;

namespace GitLabBus.Simulator.State;

/// <summary>Users, their personal access tokens, and project members with GitLab's access levels.</summary>
public sealed partial class SimStore
{
    // Users and tokens are numbered apart from everything else, as GitLab numbers each kind on its own.
    private long _nextUserId = 1;
    private long _nextTokenId = 1;

    public List<SimAccessToken> AccessTokens { get; } = [];

    public SimUser? FindUser(string username) =>
        Users.FirstOrDefault(user => string.Equals(user.Username, username, StringComparison.OrdinalIgnoreCase));

    public SimUser AddUser(string username, string name, string email, bool isAdmin = false, bool bot = false)
    {
        var user = new SimUser
        {
            Id = _nextUserId++,
            Username = username,
            Name = name,
            Email = email,
            IsAdmin = isAdmin,
            Bot = bot,
            CreatedAt = Now,
        };
        Users.Add(user);
        return user;
    }

    /// <summary>A personal access token for <paramref name="user"/>: <paramref name="value"/> when given (seeds), else a new one.</summary>
    public SimAccessToken AddToken(SimUser user, string name, IReadOnlyList<string> scopes, string? expiresAt = null, string? value = null)
    {
        var token = new SimAccessToken(_nextTokenId++, name, user.Id, scopes, Now, expiresAt)
        {
            Value = value ?? "glpat-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
        };
        AccessTokens.Add(token);
        return token;
    }

    /// <summary>The user a token acts as, or null. Every known token is compared, in constant time each.</summary>
    public SimUser? UserOfToken(string token)
    {
        SimAccessToken? match = null;
        foreach (var known in AccessTokens)
        {
            if (SameSecret(known.Value, token))
            {
                match = known;
            }
        }

        return match is null ? null : Users.FirstOrDefault(user => user.Id == match.UserId);
    }

    /// <summary>Compares two secrets in constant time, by their hashes, so that not even their lengths tell them apart.</summary>
    public static bool SameSecret(string known, string given) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(known)),
            SHA256.HashData(Encoding.UTF8.GetBytes(given))
        );

    /// <summary>Adds or changes a direct member of <paramref name="project"/>.</summary>
    public void AddMember(SimProject project, SimUser user, int accessLevel) =>
        project.Members[user.Id] = (accessLevel, project.Members.TryGetValue(user.Id, out var was) ? was.Since : Now);

    /// <summary>
    /// <c>SIMULATOR_TOKENS</c>: a plain token acts as root (the administrator); <c>token=username</c> as that user, made
    /// (without special rights) when the world does not have them yet.
    /// </summary>
    private void AddConfiguredTokens()
    {
        foreach (var entry in options.Tokens)
        {
            var (value, username) = entry.IndexOf('=', StringComparison.Ordinal) is var split and > 0
                ? (entry[..split], entry[(split + 1)..])
                : (entry, Root.Username);
            var user = FindUser(username) ?? AddUser(username, username, $"{username}@example.com");
            AddToken(user, "simulator", ["api"], value: value);
        }
    }
}
