using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>
/// Users, personal access tokens and project members, as GitLab's REST API has them: <c>/user</c> is the token's user;
/// creating users and their tokens is for administrators (403 otherwise); members carry GitLab's access levels.
/// The simulator does not enforce the levels on other endpoints: they are there for clients that read them.
/// </summary>
public static class UserEndpoints
{
    public static void MapUsers(this RouteGroupBuilder api)
    {
        api.MapGet("/user", (HttpContext http, SimStore store) => store.Read(s => SimResults.Ok(SimJson.User(s, SimCaller.Of(http, s)))));

        api.MapGet(
            "/users",
            (HttpContext http, SimStore store, SimParams parameters) =>
            {
                var username = parameters.String("username");
                return store.Read(s =>
                    SimResults.Page(
                        http,
                        parameters,
                        [
                            .. s.Users.Where(user =>
                                username is null || string.Equals(user.Username, username, StringComparison.OrdinalIgnoreCase)
                            ),
                        ],
                        user => SimJson.User(s, user)
                    )
                );
            }
        );

        api.MapGet(
            "/users/{id:long}",
            (SimStore store, long id) =>
                store.Read(s =>
                    s.Users.FirstOrDefault(user => user.Id == id) is { } user
                        ? SimResults.Ok(SimJson.User(s, user))
                        : SimResults.NotFound("User")
                )
        );

        api.MapPost(
            "/users",
            (HttpContext http, SimStore store, SimParams parameters) => store.Write(s => CreateUser(http, s, parameters))
        );

        api.MapPost(
            "/users/{id:long}/personal_access_tokens",
            (HttpContext http, SimStore store, SimParams parameters, long id) => store.Write(s => CreateToken(http, s, parameters, id))
        );

        // Direct members and all members (inherited ones too) are the same here: groups have no members in the simulator.
        foreach (var members in new[] { "/projects/{id}/members", "/projects/{id}/members/all" })
        {
            api.MapGet(
                members,
                (HttpContext http, SimStore store, SimParams parameters, string id) => store.Read(s => Members(http, s, parameters, id))
            );
            api.MapGet(members + "/{userId:long}", (SimStore store, string id, long userId) => store.Read(s => Member(s, id, userId)));
        }

        api.MapPost(
            "/projects/{id}/members",
            (SimStore store, SimParams parameters, string id) => store.Write(s => AddMember(s, parameters, id))
        );
    }

    private static IResult CreateUser(HttpContext http, SimStore store, SimParams parameters)
    {
        if (!SimCaller.Of(http, store).IsAdmin)
        {
            return SimResults.Forbidden();
        }

        var missing = new[] { "email", "name", "username" }.Where(field => string.IsNullOrWhiteSpace(parameters.String(field))).ToList();
        if (missing.Count > 0)
        {
            return SimResults.Missing(missing);
        }

        var username = parameters.String("username")!;
        if (store.FindUser(username) is not null)
        {
            return SimResults.Conflict("Username has already been taken");
        }

        var user = store.AddUser(
            username,
            parameters.String("name")!,
            parameters.String("email")!,
            isAdmin: parameters.Bool("admin") ?? false,
            bot: false
        );
        return SimResults.Created(SimJson.User(store, user));
    }

    private static IResult CreateToken(HttpContext http, SimStore store, SimParams parameters, long id)
    {
        if (!SimCaller.Of(http, store).IsAdmin)
        {
            return SimResults.Forbidden();
        }

        if (store.Users.FirstOrDefault(user => user.Id == id) is not { } owner)
        {
            return SimResults.NotFound("User");
        }

        var name = parameters.String("name");
        var scopes = parameters.Labels("scopes") ?? parameters.Labels("scopes[]");
        if (string.IsNullOrWhiteSpace(name) || scopes is not { Count: > 0 })
        {
            return SimResults.Ok(new { error = string.IsNullOrWhiteSpace(name) ? "name is missing" : "scopes is missing" }, 400);
        }

        var token = store.AddToken(owner, name, scopes, parameters.String("expires_at"));
        return SimResults.Created(
            new
            {
                id = token.Id,
                name = token.Name,
                revoked = false,
                created_at = SimFormat.Api(token.CreatedAt),
                scopes = token.Scopes,
                user_id = token.UserId,
                last_used_at = (string?)null,
                active = true,
                expires_at = token.ExpiresAt,
                token = token.Value,
            }
        );
    }

    private static IResult Members(HttpContext http, SimStore store, SimParams parameters, string id) =>
        store.FindProject(id) is not { } project
            ? SimResults.NotFound("Project")
            : SimResults.Page(http, parameters, [.. project.Members.OrderBy(member => member.Key)], member => MemberJson(store, member));

    private static IResult Member(SimStore store, string id, long userId) =>
        store.FindProject(id) is not { } project ? SimResults.NotFound("Project")
        : project.Members.TryGetValue(userId, out var member) ? SimResults.Ok(MemberJson(store, KeyValuePair.Create(userId, member)))
        : SimResults.NotFound("");

    private static IResult AddMember(SimStore store, SimParams parameters, string id)
    {
        if (store.FindProject(id) is not { } project)
        {
            return SimResults.NotFound("Project");
        }

        var userId = parameters.Long("user_id");
        var level = parameters.Int("access_level");
        if (userId is null || level is null)
        {
            return SimResults.Ok(new { error = userId is null ? "user_id is missing" : "access_level is missing" }, 400);
        }

        if (!SimAccessLevel.IsValid(level.Value))
        {
            return SimResults.Ok(new { error = "access_level does not have a valid value" }, 400);
        }

        if (store.Users.FirstOrDefault(user => user.Id == userId) is not { } user)
        {
            return SimResults.NotFound("User");
        }

        if (project.Members.ContainsKey(user.Id))
        {
            return SimResults.Conflict("Member already exists");
        }

        store.AddMember(project, user, level.Value);
        return SimResults.Created(MemberJson(store, KeyValuePair.Create(user.Id, project.Members[user.Id])));
    }

    private static object MemberJson(SimStore store, KeyValuePair<long, (int AccessLevel, DateTimeOffset Since)> member)
    {
        var user = store.UserById(member.Key);
        return new
        {
            id = user.Id,
            username = user.Username,
            name = user.Name,
            state = "active",
            avatar_url = $"{store.Options.PublicUrl.TrimEnd('/')}/uploads/avatar/{user.Username}.png",
            web_url = store.WebUrl(user.Username),
            access_level = member.Value.AccessLevel,
            created_at = SimFormat.Api(member.Value.Since),
            expires_at = (string?)null,
        };
    }
}
