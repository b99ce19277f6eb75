using System.Globalization;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// Users of the gateway (CONTRACT 9, seed merge-assist): login and refresh for everyone, the users themselves for admins,
/// and the projects a caller may see.
/// </summary>
public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/auth").WithTags("identity");
        auth.MapPost("/login", Login)
            .AllowAnonymous()
            .WithSummary("Log in with a username and password: a bearer token and a single-use refresh token")
            .Produces<TokenAnswer>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/refresh", Refresh)
            .AllowAnonymous()
            .WithSummary("Trade a refresh token for new tokens; each is good once, and using one twice ends its session")
            .Produces<TokenAnswer>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized);

        var users = auth.MapGroup("/users").RequireAuthorization(Roles.AdminPolicy);
        users.MapGet("", ListUsers).WithSummary("Every user, with roles and projects (admin)").Produces<UserList>();
        users
            .MapPost("", AddUser)
            .WithSummary("Add a user (admin)")
            .Produces<UserView>(StatusCodes.Status201Created)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        users
            .MapGet("/{username}", GetUser)
            .WithSummary("One user (admin)")
            .Produces<UserView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        users
            .MapPut("/{username}", ChangeUser)
            .WithSummary("Change a user's password, roles or projects; fields left out stay as they are (admin)")
            .Produces<UserView>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        users
            .MapDelete("/{username}", DeleteUser)
            .WithSummary("Remove a user; its sessions end at their next refresh (admin)")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);

        endpoints
            .MapGet("/projects", ListProjects)
            .WithTags("identity")
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary(
                "The projects the caller may work on: for admins every project of which GitLab's user (the service's, or the "
                    + "GitLab-Access-Token's) is a member, else those granted"
            )
            .Produces<ProjectList>();
        return endpoints;
    }

    private static async Task<IResult> Login(HttpContext http, Logins logins, LoginRequest? body, CancellationToken cancellationToken)
    {
        if (body is not { Username: { Length: > 0 } username, Password: { Length: > 0 } password })
        {
            return ApiError.InvalidRequest("give username and password");
        }

        if (password.Length > Logins.MaxPasswordLength || username.Length > Logins.MaxPasswordLength)
        {
            return ApiError.Unauthorized(WrongLogin);
        }

        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return Answer(http, await logins.LoginAsync(username, password, address, cancellationToken), WrongLogin);
    }

    private static async Task<IResult> Refresh(HttpContext http, Logins logins, RefreshRequest? body, CancellationToken cancellationToken)
    {
        if (body is not { RefreshToken: { Length: > 0 } token })
        {
            return ApiError.InvalidRequest("give refresh_token");
        }

        return Answer(
            http,
            await logins.RefreshAsync(token, cancellationToken),
            "the refresh token is unknown, expired, used or revoked: log in again"
        );
    }

    private const string WrongLogin = "the username or the password is wrong";

    private static IResult Answer(HttpContext http, LoginOutcome outcome, string refused)
    {
        // Tokens are not to be cached by anything between the gateway and the caller.
        http.Response.Headers.CacheControl = "no-store";
        switch (outcome)
        {
            case LoginOutcome.Issued issued:
                return Results.Ok(issued.Tokens);
            case LoginOutcome.Throttled throttled:
                var seconds = (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return ApiError.Result(ErrorCodes.RateLimited, $"too many failed logins: try again in {seconds} s");
            default:
                return ApiError.Unauthorized(refused);
        }
    }

    private static async Task<IResult> ListUsers(IUserStore users, CancellationToken cancellationToken) =>
        Results.Ok(new UserList([.. (await users.ListAsync(cancellationToken)).Select(UserView.Of)]));

    private static async Task<IResult> GetUser(IUserStore users, string username, CancellationToken cancellationToken) =>
        await users.GetAsync(UserAccount.Normalize(username), cancellationToken) is { } user
            ? Results.Ok(UserView.Of(user))
            : NoSuchUser(username);

    private static async Task<IResult> AddUser(
        IUserStore users,
        Logins logins,
        TimeProvider time,
        ILogger<UserAccount> logger,
        NewUserRequest? body,
        CancellationToken cancellationToken
    )
    {
        var username = UserAccount.Normalize(body?.Username ?? "");
        if (!UserAccount.IsValidUsername(username))
        {
            return ApiError.InvalidRequest("username must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (UserRules.Invalid(body!.Password, body.Roles, body.Projects, body.Orgs, required: true) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var user = new UserAccount(username, "", [.. body.Roles!.Distinct()], [.. body.Projects?.Distinct() ?? []], now, now)
        {
            Orgs = [.. body.Orgs?.OfType<string>().Distinct() ?? []],
        };
        user = user with { PasswordHash = logins.Hash(user, body.Password!) };
        if (!await users.AddAsync(user, cancellationToken))
        {
            return ApiError.Conflict($"a user named {username} exists");
        }

        logger.LogInformation("User {Username} added with roles {Roles}", username, string.Join(",", user.Roles));
        return Results.Created($"/auth/users/{username}", UserView.Of(user));
    }

    private static async Task<IResult> ChangeUser(
        IUserStore users,
        Logins logins,
        TimeProvider time,
        ILogger<UserAccount> logger,
        string username,
        UserChange? body,
        CancellationToken cancellationToken
    )
    {
        if (body is null)
        {
            return ApiError.InvalidRequest("give password, roles, projects or orgs to change");
        }

        if (UserRules.Invalid(body.Password, body.Roles, body.Projects, body.Orgs, required: false) is { } invalid)
        {
            return invalid;
        }

        if (await users.GetAsync(UserAccount.Normalize(username), cancellationToken) is not { } user)
        {
            return NoSuchUser(username);
        }

        var changed = user with
        {
            Roles = body.Roles is { } roles ? [.. roles.Distinct()] : user.Roles,
            Projects = body.Projects is { } projects ? [.. projects.Distinct()] : user.Projects,
            Orgs = body.Orgs is { } orgs ? [.. orgs.OfType<string>().Distinct()] : user.Orgs,
            UpdatedAt = time.GetUtcNow(),
        };
        if (body.Password is { } password)
        {
            changed = changed with { PasswordHash = logins.Hash(changed, password) };
        }

        if (
            user.Roles.Contains(Roles.Admin)
            && !changed.Roles.Contains(Roles.Admin)
            && await IsLastAdminAsync(users, user, cancellationToken)
        )
        {
            return ApiError.Conflict("this is the last admin: make another user admin first");
        }

        if (!await users.ReplaceAsync(changed, cancellationToken))
        {
            return NoSuchUser(username);
        }

        logger.LogInformation("User {Username} changed (roles {Roles})", user.Username, string.Join(",", changed.Roles));
        return Results.Ok(UserView.Of(changed));
    }

    private static async Task<IResult> DeleteUser(
        IUserStore users,
        ILogger<UserAccount> logger,
        string username,
        CancellationToken cancellationToken
    )
    {
        if (await users.GetAsync(UserAccount.Normalize(username), cancellationToken) is not { } user)
        {
            return NoSuchUser(username);
        }

        if (user.Roles.Contains(Roles.Admin) && await IsLastAdminAsync(users, user, cancellationToken))
        {
            return ApiError.Conflict("this is the last admin: make another user admin first");
        }

        await users.DeleteAsync(user.Username, cancellationToken);
        logger.LogInformation("User {Username} removed", user.Username);
        return Results.NoContent();
    }

    private static async Task<IResult> ListProjects(
        HttpContext http,
        BusRequests gitlab,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        var granted = ProjectAccess.Of(http.User);
        if (granted is { Count: 0 })
        {
            return Results.Ok(new ProjectList([], false));
        }

        var (answer, error) = await gitlab.AskAsync<ProjectListQuery, ProjectList>(
            new ProjectListQuery { ProjectIds = granted is null ? null : [.. granted], CredentialRef = caller.Ref },
            cancellationToken
        );
        return error ?? Results.Ok(answer);
    }

    private static async Task<bool> IsLastAdminAsync(IUserStore users, UserAccount admin, CancellationToken cancellationToken) =>
        !(await users.ListAsync(cancellationToken)).Any(other => other.Username != admin.Username && other.Roles.Contains(Roles.Admin));

    private static IResult NoSuchUser(string username) => ApiError.NotFound($"there is no user named {username}");
}

/// <summary>The checks a new or changed user's fields pass.</summary>
internal static class UserRules
{
    public static IResult? Invalid(
        string? password,
        IReadOnlyList<string>? roles,
        IReadOnlyList<long>? projects,
        IReadOnlyList<string?>? orgs,
        bool required
    )
    {
        if (
            (required || password is not null)
            && password is not { Length: >= IdentitySettings.MinimumPasswordLength and <= Logins.MaxPasswordLength }
        )
        {
            return ApiError.InvalidRequest(
                $"password must be {IdentitySettings.MinimumPasswordLength} to {Logins.MaxPasswordLength} characters"
            );
        }

        if (
            (required || roles is not null) && (roles is not { Count: > 0 } || roles.Any(role => role is null || !Roles.All.Contains(role)))
        )
        {
            return ApiError.InvalidRequest($"roles must be a non-empty array of {string.Join(", ", Roles.All)}");
        }

        if (projects is not null && (projects.Count > UserAccount.MaxProjects || projects.Any(id => id <= 0)))
        {
            return ApiError.InvalidRequest($"projects must be at most {UserAccount.MaxProjects} positive GitLab project ids");
        }

        if (orgs is not null && (orgs.Count > UserAccount.MaxOrgs || orgs.Any(org => org is null || !OrgScope.IsValidId(org))))
        {
            return ApiError.InvalidRequest($"orgs must be at most {UserAccount.MaxOrgs} organisation ids, each {OrgScope.IdRule}");
        }

        return null;
    }
}

public sealed record LoginRequest(string? Username, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record NewUserRequest(
    string? Username,
    string? Password,
    IReadOnlyList<string>? Roles,
    IReadOnlyList<long>? Projects,
    IReadOnlyList<string?>? Orgs = null
);

public sealed record UserChange(
    string? Password,
    IReadOnlyList<string>? Roles,
    IReadOnlyList<long>? Projects,
    IReadOnlyList<string?>? Orgs = null
);

/// <summary>A user as admins see it: never its password or hash.</summary>
public sealed record UserView(
    string Username,
    IReadOnlyList<string> Roles,
    IReadOnlyList<long> Projects,
    IReadOnlyList<string> Orgs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt
)
{
    public static UserView Of(UserAccount user) => new(user.Username, user.Roles, user.Projects, user.Orgs, user.CreatedAt, user.UpdatedAt);
}

public sealed record UserList(IReadOnlyList<UserView> Users);
