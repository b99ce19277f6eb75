using System.Security.Cryptography;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// Users, logins and the tokens they get. The first admin's password comes from <c>GITLABBUS_ADMIN_PASSWORD</c>; in
/// embedded mode, when it is not set, one is generated for the run and shown once, as the other generated secrets are.
/// </summary>
public sealed record IdentitySettings
{
    public const string AdminUsername = "admin";
    public const int MinimumPasswordLength = 12;

    /// <summary><c>GITLABBUS_ADMIN_PASSWORD</c>: the first admin's, set when the user <c>admin</c> does not exist yet.</summary>
    public string? AdminPassword { get; init; }

    public bool AdminPasswordGenerated { get; init; }

    /// <summary><c>AUTH_ACCESS_TOKEN_SECONDS</c> (900): how long a login's bearer token is good for.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary><c>AUTH_REFRESH_TOKEN_SECONDS</c> (14 days): how long a refresh token may be redeemed, once.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(14);

    /// <summary><c>AUTH_LOGIN_MAX_FAILURES_PER_USER</c> (5) failed logins for one user within the window: then 429.</summary>
    public int MaxFailuresPerUser { get; init; } = 5;

    /// <summary><c>AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS</c> (20) failed logins from one address within the window: then 429.</summary>
    public int MaxFailuresPerAddress { get; init; } = 20;

    /// <summary><c>AUTH_LOGIN_WINDOW_SECONDS</c> (900): the window failed logins are counted in, from the first one.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(15);

    public override string ToString() =>
        $"IdentitySettings(access {AccessTokenLifetime}, refresh {RefreshTokenLifetime}, "
        + $"failures {MaxFailuresPerUser}/user {MaxFailuresPerAddress}/address per {FailureWindow})";

    public static IdentitySettings Read(SettingsReader reader, bool embedded)
    {
        var password = reader.Optional("GITLABBUS_ADMIN_PASSWORD");
        if (password is { Length: < MinimumPasswordLength })
        {
            throw new InvalidSettingException("GITLABBUS_ADMIN_PASSWORD", $"must be at least {MinimumPasswordLength} characters");
        }

        var generate = password is null && embedded;
        return new IdentitySettings
        {
            AdminPassword = generate
                ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_')
                : password,
            AdminPasswordGenerated = generate,
            AccessTokenLifetime = TimeSpan.FromSeconds(reader.Int("AUTH_ACCESS_TOKEN_SECONDS", 900, 60, 86_400)),
            RefreshTokenLifetime = TimeSpan.FromSeconds(reader.Int("AUTH_REFRESH_TOKEN_SECONDS", 14 * 86_400, 300, 90 * 86_400)),
            MaxFailuresPerUser = reader.Int("AUTH_LOGIN_MAX_FAILURES_PER_USER", 5, 1, 1_000),
            MaxFailuresPerAddress = reader.Int("AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS", 20, 1, 100_000),
            FailureWindow = TimeSpan.FromSeconds(reader.Int("AUTH_LOGIN_WINDOW_SECONDS", 900, 10, 86_400)),
        };
    }
}
