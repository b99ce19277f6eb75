using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Startup;
using Microsoft.AspNetCore.Identity;

namespace GitLabBus.Gateway.Identity;

/// <summary>What a login or a refresh gives: a bearer token and the refresh token that replaces it.</summary>
public sealed record TokenAnswer(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);

public abstract record LoginOutcome
{
    public sealed record Issued(TokenAnswer Tokens) : LoginOutcome;

    /// <summary>Too many failures for the user or the address: try again after <see cref="RetryAfter"/>.</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : LoginOutcome;

    /// <summary>The user, the password or the refresh token was wrong: which one is never said.</summary>
    public sealed record Refused : LoginOutcome;
}

/// <summary>
/// Logins and refreshes. Passwords are checked with ASP.NET Core Identity's hasher (PBKDF2, constant-time comparison); an
/// unknown user costs the same hash as a known one, so timing does not tell which exists. Each login starts a session
/// (the access token's <c>oid</c> and the refresh family); a refresh reads the user again, so changed roles and projects
/// and a deleted user take effect at the next refresh.
/// </summary>
public sealed class Logins(
    IUserStore users,
    IRefreshTokenStore refreshTokens,
    ILoginThrottle throttle,
    IPasswordHasher<UserAccount> hasher,
    GatewaySettings gateway,
    IdentitySettings settings,
    TimeProvider time,
    ILogger<Logins> logger
)
{
    /// <summary>Longer passwords are refused before hashing, so a request cannot buy unbounded work.</summary>
    public const int MaxPasswordLength = 1_024;

    private static readonly UserAccount Nobody = new("", "", [], [], DateTimeOffset.MinValue, DateTimeOffset.MinValue);
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(Nobody, Guid.NewGuid().ToString()));

    public async Task<LoginOutcome> LoginAsync(string username, string password, string address, CancellationToken cancellationToken)
    {
        var name = UserAccount.Normalize(username);
        var known = UserAccount.IsValidUsername(name) ? name : null;
        if (await throttle.RefusedForAsync(known, address, cancellationToken) is { } wait)
        {
            logger.LogWarning(
                "Login as {Username} from {Address} refused for {Seconds:0} s: too many failures",
                known,
                address,
                wait.TotalSeconds
            );
            return new LoginOutcome.Throttled(wait);
        }

        var user = known is null ? null : await users.GetAsync(known, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? _decoyHash.Value, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            await throttle.RecordFailureAsync(known, address, cancellationToken);
            logger.LogInformation("Login as {Username} from {Address} failed", known ?? "(not a username)", address);
            return new LoginOutcome.Refused();
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.ReplaceAsync(user with { PasswordHash = hasher.HashPassword(user, password) }, cancellationToken);
        }

        await throttle.ForgetAsync(user.Username, cancellationToken);
        logger.LogInformation("{Username} logged in from {Address}", user.Username, address);
        return new LoginOutcome.Issued(await IssueAsync(user, null, cancellationToken));
    }

    public async Task<LoginOutcome> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var redemption = await refreshTokens.RedeemAsync(refreshToken, cancellationToken);
        if (redemption.Outcome == RefreshOutcome.Reused)
        {
            logger.LogWarning(
                "A refresh token of {Username} was used twice: its session {Session} is revoked (a copy may have leaked)",
                redemption.Username,
                redemption.Family
            );
        }

        if (redemption is not { Outcome: RefreshOutcome.Valid, Username: { } username, Family: { } family })
        {
            return new LoginOutcome.Refused();
        }

        return await users.GetAsync(username, cancellationToken) is { } user
            ? new LoginOutcome.Issued(await IssueAsync(user, family, cancellationToken))
            : new LoginOutcome.Refused();
    }

    public string Hash(UserAccount user, string password) => hasher.HashPassword(user, password);

    private async Task<TokenAnswer> IssueAsync(UserAccount user, string? family, CancellationToken cancellationToken)
    {
        var refresh = await refreshTokens.IssueAsync(user.Username, family, cancellationToken);
        var session = RefreshTokenFormat.Parse(refresh)!.Value.Family;
        var projects = user.Roles.Contains(Roles.Admin) ? null : user.Projects;
        var access = TokenIssuer.Issue(
            gateway,
            user.Username,
            user.Roles,
            settings.AccessTokenLifetime,
            time.GetUtcNow(),
            session,
            projects,
            user.Orgs
        );
        return new TokenAnswer(access, refresh, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds);
    }
}
