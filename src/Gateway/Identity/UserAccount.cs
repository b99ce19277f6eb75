using System.Text.RegularExpressions;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// A person (or system) that logs in to the gateway: its roles, and the projects it may work on when it is not an admin.
/// The password is kept only as <see cref="PasswordHash"/> and never leaves the gateway.
/// </summary>
/// <param name="Projects">The GitLab project ids granted; admins may work on every project whatever this holds.</param>
/// <remarks><see cref="Orgs"/>: the organisations the user may act for (its tokens' <c>orgs</c> claim); admins act for every one.
/// A property rather than a parameter, so that users stored before it read as members of none.</remarks>
public sealed partial record UserAccount(
    string Username,
    string PasswordHash,
    IReadOnlyList<string> Roles,
    IReadOnlyList<long> Projects,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt
)
{
    public const int MaxProjects = 1_000;
    public const int MaxOrgs = 100;

    public IReadOnlyList<string> Orgs { get; init; } = [];

    /// <summary>Lower-case letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, starting with a letter or digit, up to 64.</summary>
    public static bool IsValidUsername(string username) => UsernamePattern().IsMatch(username);

    /// <summary>The one spelling a username is stored and looked up by.</summary>
    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
