namespace GitLabBus.GitLab.Models;

/// <summary>GitLab's access levels on a project or group.</summary>
public enum GitLabAccessLevel
{
    NoAccess = 0,
    Guest = 10,
    Reporter = 20,
    Developer = 30,
    Maintainer = 40,
    Owner = 50,
}

/// <summary>A member of a project: the user and the access level they hold there.</summary>
public sealed record GitLabMember(long Id, string Username, string Name, int AccessLevel)
{
    public string? State { get; init; }

    public GitLabAccessLevel Level =>
        Enum.IsDefined((GitLabAccessLevel)AccessLevel) ? (GitLabAccessLevel)AccessLevel : GitLabAccessLevel.NoAccess;
}

/// <summary>A user for an administrator to create (<c>POST /users</c>).</summary>
public sealed record NewGitLabUser(string Username, string Name, string Email)
{
    public string? Password { get; init; }

    /// <summary>GitLab makes up a password when none is given and this is true.</summary>
    public bool? ForceRandomPassword { get; init; } = true;

    public bool? SkipConfirmation { get; init; } = true;
}

/// <summary>A personal access token an administrator made for a user; <see cref="Token"/> is shown this once.</summary>
public sealed record GitLabPersonalAccessToken(long Id, string Name, long UserId, IReadOnlyList<string> Scopes)
{
    public string? ExpiresAt { get; init; }

    public bool Active { get; init; }

    /// <summary>The token's value: handed over only as a <see cref="GitLabToken"/>, never logged.</summary>
    public string? Token { get; init; }

    public override string ToString() => $"GitLabPersonalAccessToken({Id}, {Name}, user {UserId})";
}
