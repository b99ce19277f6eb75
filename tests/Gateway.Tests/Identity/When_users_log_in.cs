using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// Users of the gateway: the first admin from GITLABBUS_ADMIN_PASSWORD, logins, single-use refresh tokens whose reuse
/// ends the session, failed logins that never say what was wrong and are throttled, users managed by admins, and
/// per-project permissions.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_users_log_in : IClassFixture<When_users_log_in.Gateway>
{
    public const string AdminPassword = "first-admin-passphrase-7c1d";

    public sealed class Gateway : IDisposable
    {
        public GatewayFactory Factory { get; } =
            new GatewayFactory().With("GITLABBUS_ADMIN_PASSWORD", AdminPassword).With("AUTH_LOGIN_MAX_FAILURES_PER_USER", "3");

        public void Dispose() => Factory.Dispose();
    }

    private readonly GatewayFactory _gateway;

    public When_users_log_in(Gateway gateway) => _gateway = gateway.Factory;

    [Fact]
    public async Task Should_give_the_first_admin_tokens_that_open_the_admin_endpoints()
    {
        using var client = _gateway.CreateClient();

        using var login = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password = AdminPassword });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("no-store", login.Headers.CacheControl?.ToString());
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Bearer", 900), (tokens.GetProperty("token_type").GetString(), tokens.GetProperty("expires_in").GetInt32()));
        using var admin = Bearer(tokens.GetProperty("access_token").GetString()!);
        var users = await admin.GetFromJsonAsync<JsonElement>("/auth/users");
        Assert.Contains(users.GetProperty("users").EnumerateArray(), user => user.GetProperty("username").GetString() == "admin");
        Assert.DoesNotContain("password", users.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AQAAAA", users.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_the_same_for_a_wrong_password_and_an_unknown_user()
    {
        using var client = _gateway.CreateClient();

        using var wrongPassword = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password = "not-the-password" });
        using var unknownUser = await client.PostAsJsonAsync("/auth/login", new { username = "nobody-here", password = AdminPassword });

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrongPassword.StatusCode, unknownUser.StatusCode));
        var wrong = await ErrorAsync(wrongPassword);
        Assert.Equal(wrong, await ErrorAsync(unknownUser));
        Assert.Equal("the username or the password is wrong", wrong.Message);
    }

    [Fact]
    public async Task Should_rotate_refresh_tokens_and_end_the_session_when_one_is_used_twice()
    {
        var first = await LoginAsync("admin", AdminPassword);
        using var client = _gateway.CreateClient();

        using var rotated = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = first.Refresh });
        var second = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var next = second.GetProperty("refresh_token").GetString()!;
        using var reused = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = first.Refresh });
        using var afterReuse = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = next });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first.Refresh, next);
        Assert.Equal(Session(first.Access), Session(second.GetProperty("access_token").GetString()!));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReuse.StatusCode);
        Assert.Equal("unauthorized", (await ErrorAsync(afterReuse)).Code);
    }

    [Fact]
    public async Task Should_refuse_even_the_right_password_with_429_after_too_many_failures()
    {
        using var admin = await AdminAsync();
        await AddUserAsync(admin, "throttled", "project_owner", [1]);
        using var client = _gateway.CreateClient();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var failed = await client.PostAsJsonAsync("/auth/login", new { username = "throttled", password = "wrong-password-123" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var refused = await client.PostAsJsonAsync("/auth/login", new { username = "throttled", password = UserPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 900);
        Assert.Equal("rate_limited", (await ErrorAsync(refused)).Code);
    }

    [Fact]
    public async Task Should_let_a_user_work_only_on_the_projects_granted()
    {
        using var admin = await AdminAsync();
        await AddUserAsync(admin, "owner-of-one", "project_owner", [1]);
        var tokens = await LoginAsync("owner-of-one", UserPassword);
        using var owner = Bearer(tokens.Access);

        using var granted = await owner.GetAsync("/gitlab/projects/1/merge-queue/config");
        using var other = await owner.GetAsync("/gitlab/projects/2/merge-queue/config");
        var projects = await owner.GetFromJsonAsync<JsonElement>("/projects");
        using var users = await owner.GetAsync("/auth/users");

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("this account has no access to project 2", (await ErrorAsync(other)).Message);
        Assert.Equal([1L], projects.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task Should_let_a_user_act_for_the_organisations_an_admin_gave_it_and_no_other()
    {
        using var admin = await AdminAsync();
        using var added = await admin.PostAsJsonAsync(
            "/auth/users",
            new
            {
                username = "acme-viewer",
                password = UserPassword,
                roles = new[] { "viewer" },
                orgs = new[] { "acme", "acme" },
            }
        );
        using var member = Bearer((await LoginAsync("acme-viewer", UserPassword)).Access);

        using var own = await member.GetAsync("/api/orgs/acme/audit");
        using var other = await member.GetAsync("/api/orgs/globex/audit");
        using var changed = await admin.PutAsJsonAsync("/auth/users/acme-viewer", new { orgs = new[] { "globex" } });
        using var moved = Bearer((await LoginAsync("acme-viewer", UserPassword)).Access);
        using var ownNow = await moved.GetAsync("/api/orgs/globex/audit");
        using var formerly = await moved.GetAsync("/api/orgs/acme/audit");

        var view = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["acme"], view.GetProperty("orgs").EnumerateArray().Select(org => org.GetString()));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (own.StatusCode, other.StatusCode));
        Assert.Equal("this account has no access to organisation globex", (await ErrorAsync(other)).Message);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (ownNow.StatusCode, formerly.StatusCode));
    }

    [Fact]
    public async Task Should_let_a_project_owner_change_its_projects_settings_at_merge_assists_path()
    {
        using var admin = await AdminAsync();
        await AddUserAsync(admin, "owner-settings", "project_owner", [1]);
        using var owner = Bearer((await LoginAsync("owner-settings", UserPassword)).Access);

        using var changed = await owner.PutAsJsonAsync("/projects/1/config", new { batch_size = 3 });
        var read = await owner.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue/config");
        using var other = await owner.PutAsJsonAsync("/projects/2/config", new { batch_size = 3 });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(3, read.GetProperty("batch_size").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Should_list_the_projects_of_the_gitlab_user_whose_token_comes_along()
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
        simulator.DefaultRequestHeaders.Add("PRIVATE-TOKEN", GitLabBus.Runtime.Settings.GitLabSettings.SimulatorToken);
        var user = await (
            await simulator.PostAsJsonAsync(
                "/api/v4/users",
                new
                {
                    username = "outsider",
                    name = "Outsider",
                    email = "o@example.com",
                }
            )
        ).Content.ReadFromJsonAsync<JsonElement>();
        var token = await (
            await simulator.PostAsJsonAsync(
                $"/api/v4/users/{user.GetProperty("id").GetInt64()}/personal_access_tokens",
                new { name = "list", scopes = new[] { "api" } }
            )
        ).Content.ReadFromJsonAsync<JsonElement>();
        using var admin = await AdminAsync();

        var asService = await admin.GetFromJsonAsync<JsonElement>("/projects");
        admin.DefaultRequestHeaders.Add("GitLab-Access-Token", token.GetProperty("token").GetString());
        var asOutsider = await admin.GetFromJsonAsync<JsonElement>("/projects");

        Assert.Contains(
            asService.GetProperty("projects").EnumerateArray(),
            p => p.GetProperty("path_with_namespace").GetString() == "demo/shop"
        );
        Assert.Empty(asOutsider.GetProperty("projects").EnumerateArray());
    }

    [Fact]
    public async Task Should_apply_changed_roles_at_the_next_refresh_and_end_a_deleted_users_sessions()
    {
        using var admin = await AdminAsync();
        await AddUserAsync(admin, "changing", "viewer", [1]);
        var tokens = await LoginAsync("changing", UserPassword);
        using var client = _gateway.CreateClient();

        using var changed = await admin.PutAsJsonAsync("/auth/users/changing", new { roles = new[] { "project_owner" } });
        using var refreshed = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = tokens.Refresh });
        var next = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        using var owner = Bearer(next.GetProperty("access_token").GetString()!);
        using var write = await owner.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", new { batch_size = 4 });
        using var deleted = await admin.DeleteAsync("/auth/users/changing");
        using var afterDelete = await client.PostAsJsonAsync(
            "/auth/refresh",
            new { refresh_token = next.GetProperty("refresh_token").GetString() }
        );

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Should_never_write_a_password_or_a_token_into_the_log()
    {
        var tokens = await LoginAsync("admin", AdminPassword);
        using var client = _gateway.CreateClient();
        using var refreshed = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = tokens.Refresh });
        using var reused = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = tokens.Refresh });
        using var failed = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password = "guessed-wrong-once" });

        var log = _gateway.Logs.AllText;
        Assert.Contains("was used twice", log, StringComparison.Ordinal);
        foreach (var secret in new[] { AdminPassword, "guessed-wrong-once", tokens.Access, tokens.Refresh, tokens.Refresh[33..] })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"username":"x y","password":"long enough password","roles":["viewer"]}""", "username")]
    [InlineData("""{"username":"shortpass","password":"short","roles":["viewer"]}""", "password")]
    [InlineData("""{"username":"norole","password":"long enough password","roles":[]}""", "roles")]
    [InlineData("""{"username":"badrole","password":"long enough password","roles":["root"]}""", "roles")]
    [InlineData("""{"username":"badproject","password":"long enough password","roles":["viewer"],"projects":[0]}""", "projects")]
    [InlineData("""{"username":"badorg","password":"long enough password","roles":["viewer"],"orgs":["a b"]}""", "orgs")]
    [InlineData("""{"username":"nullorg","password":"long enough password","roles":["viewer"],"orgs":[null]}""", "orgs")]
    public async Task Should_refuse_a_user_that_breaks_the_rules_with_400_and_add_nothing(string body, string named)
    {
        using var admin = await AdminAsync();

        using var refused = await admin.PostAsync("/auth/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith(named, (await ErrorAsync(refused)).Message, StringComparison.Ordinal);
        var users = await admin.GetFromJsonAsync<JsonElement>("/auth/users");
        Assert.Single(users.GetProperty("users").EnumerateArray(), user => user.GetProperty("username").GetString() == "admin");
        Assert.DoesNotContain(
            users.GetProperty("users").EnumerateArray(),
            user => body.Contains($"\"{user.GetProperty("username").GetString()}\"", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Should_keep_the_last_admin()
    {
        using var admin = await AdminAsync();

        using var deleted = await admin.DeleteAsync("/auth/users/admin");
        using var demoted = await admin.PutAsJsonAsync("/auth/users/admin", new { roles = new[] { "viewer" } });
        using var twice = await admin.PostAsJsonAsync(
            "/auth/users",
            new
            {
                username = "ADMIN",
                password = UserPassword,
                roles = new[] { "viewer" },
            }
        );

        Assert.Equal(
            (HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict),
            (deleted.StatusCode, demoted.StatusCode, twice.StatusCode)
        );
        Assert.Equal(
            HttpStatusCode.OK,
            (await _gateway.CreateClient().PostAsJsonAsync("/auth/login", new { username = "admin", password = AdminPassword })).StatusCode
        );
    }

    private const string UserPassword = "a user's long passphrase";

    private async Task<HttpClient> AdminAsync() => Bearer((await LoginAsync("admin", AdminPassword)).Access);

    private async Task AddUserAsync(HttpClient admin, string username, string role, long[] projects)
    {
        using var added = await admin.PostAsJsonAsync(
            "/auth/users",
            new
            {
                username,
                password = UserPassword,
                roles = new[] { role },
                projects,
            }
        );
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    private async Task<(string Access, string Refresh)> LoginAsync(string username, string password)
    {
        using var client = _gateway.CreateClient();
        using var login = await client.PostAsJsonAsync("/auth/login", new { username, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        return (tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("refresh_token").GetString()!);
    }

    private HttpClient Bearer(string token)
    {
        var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string? Session(string jwt) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(jwt).Claims.Single(claim => claim.Type == "oid").Value;

    private static async Task<(string? Code, string? Message)> ErrorAsync(HttpResponseMessage response)
    {
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        return (error.GetProperty("code").GetString(), error.GetProperty("message").GetString());
    }
}
