using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// GitLab OAuth on the embedded gateway, with the built-in simulator's application: a session connects through GitLab's
/// approval, its work then runs as its GitLab user (root, whom the simulator approves for), the access token is renewed when
/// GitLab stops taking it, and a forged, replayed or foreign flow is refused with nothing stored.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_session_connects_its_GitLab : IClassFixture<When_a_session_connects_its_GitLab.Gateway>, IDisposable
{
    public sealed class Gateway : IDisposable
    {
        public GatewayFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }

    private readonly GatewayFactory _gateway;
    private readonly HttpClient _browser;
    private readonly OAuthDance _dance;
    private readonly HttpClient _simulator;

    public When_a_session_connects_its_GitLab(Gateway gateway)
    {
        _gateway = gateway.Factory;
        _browser = _gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        _dance = new OAuthDance(_browser);
        _simulator = new HttpClient { BaseAddress = new Uri(_gateway.SimulatorUrl) };
    }

    public void Dispose()
    {
        _dance.Dispose();
        _browser.Dispose();
        _simulator.Dispose();
    }

    [Fact]
    public async Task Should_connect_through_GitLabs_approval_and_go_back_where_the_flow_began()
    {
        var session = NewSession();

        using var connected = await _dance.ConnectAsync(session, "/after/connect?tab=1");

        Assert.Equal(HttpStatusCode.Redirect, connected.StatusCode);
        Assert.Equal("/after/connect?tab=1", connected.Headers.Location!.OriginalString);
        var status = await StatusAsync(session);
        Assert.Equal((true, true), (status.GetProperty("connected").GetBoolean(), status.GetProperty("configured").GetBoolean()));
        Assert.False((await StatusAsync(NewSession())).GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task Should_send_GitLab_a_signed_state_and_a_PKCE_challenge_and_set_the_flow_cookie()
    {
        using var authorize = await _browser.GetAsync($"/auth/gitlab/authorize?session_id={NewSession()}&redirect_uri=/x");

        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var location = authorize.Headers.Location!;
        Assert.StartsWith($"{_gateway.SimulatorUrl}/oauth/authorize?", location.ToString(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(("code", "S256", "api"), (query["response_type"], query["code_challenge_method"], query["scope"]));
        Assert.EndsWith("/auth/gitlab/callback", query["redirect_uri"], StringComparison.Ordinal);
        Assert.Equal(43, query["code_challenge"]!.Length);
        Assert.Contains('.', query["state"]!);
        var cookie = Assert.Single(authorize.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{GitLabOAuthEndpoints.FlowCookie}=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Should_run_the_sessions_backlog_read_with_its_own_GitLab_token()
    {
        var session = NewSession();
        using var connected = await _dance.ConnectAsync(session);
        Assert.Equal(HttpStatusCode.Redirect, connected.StatusCode);
        await ForgetRequestsAsync();

        using var backlog = await Api(session).GetAsync("/gitlab/projects/1/backlog");

        Assert.Equal(HttpStatusCode.OK, backlog.StatusCode);
        var byUser = await RequestsByUserAsync();
        Assert.True(byUser.GetValueOrDefault("root") > 0, $"GitLab saw no call as the session's user: {string.Join(", ", byUser)}");
    }

    [Fact]
    public async Task Should_renew_an_access_token_GitLab_no_longer_takes_without_the_caller_noticing()
    {
        var session = NewSession();
        using var connected = await _dance.ConnectAsync(session);
        Assert.Equal(HttpStatusCode.Redirect, connected.StatusCode);
        var before = await SessionAsync(session);
        (await _simulator.PostAsJsonAsync("/_sim/clock", new { advance_seconds = 3 * 3600 })).EnsureSuccessStatusCode();
        await ForgetRequestsAsync();

        using var backlog = await Api(session).GetAsync("/gitlab/projects/1/backlog");

        Assert.Equal(HttpStatusCode.OK, backlog.StatusCode);
        Assert.True((await RequestsByUserAsync()).GetValueOrDefault("root") > 0);
        var after = await SessionAsync(session);
        Assert.NotEqual(Reveal(before.AccessToken), Reveal(after.AccessToken));
        Assert.NotEqual(Reveal(before.RefreshToken), Reveal(after.RefreshToken));
        Assert.Contains("Renewed the GitLab OAuth token of session", _gateway.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_forget_the_tokens_on_disconnect_revoke_them_at_GitLab_and_work_as_the_service_again()
    {
        var session = NewSession();
        using var connected = await _dance.ConnectAsync(session);
        var api = Api(session);
        var granted = Reveal((await SessionAsync(session)).AccessToken);

        using var disconnected = await api.PostAsync("/auth/gitlab/disconnect", null);

        Assert.Equal(HttpStatusCode.OK, disconnected.StatusCode);
        Assert.True((await disconnected.JsonAsync()).GetProperty("disconnected").GetBoolean());
        Assert.False((await StatusAsync(session)).GetProperty("connected").GetBoolean());
        Assert.Null(await Sessions.GetAsync(session, CancellationToken.None));
        await ForgetRequestsAsync();
        using var backlog = await api.GetAsync("/gitlab/projects/1/backlog");
        Assert.Equal(HttpStatusCode.OK, backlog.StatusCode);
        Assert.False((await RequestsByUserAsync()).ContainsKey("root"));
        // GitLab was told as well: the grant's token no longer works there.
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
            {
                using var asked = new HttpRequestMessage(HttpMethod.Get, "/api/v4/user");
                asked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", granted);
                using var answer = await _simulator.SendAsync(asked);
                return answer.StatusCode == HttpStatusCode.Unauthorized;
            }),
            "GitLab still takes the disconnected session's token"
        );
    }

    [Fact]
    public async Task Should_refuse_a_forged_state_and_store_nothing()
    {
        var session = NewSession();
        var callback = await _dance.ApproveAsync(session);
        var query = System.Web.HttpUtility.ParseQueryString(Query(callback));
        var state = query["state"]!;
        var forged = Forge(state, NewSession());

        using var refused = await _browser.GetAsync($"/auth/gitlab/callback?code={query["code"]}&state={Uri.EscapeDataString(forged)}");

        await AssertRefusedAsync(refused, "the OAuth state is missing, forged or expired");
        Assert.False(await Sessions.IsConnectedAsync(session, CancellationToken.None));
    }

    [Fact]
    public async Task Should_refuse_a_replayed_callback()
    {
        var session = NewSession();
        var callback = await _dance.ApproveAsync(session);
        using var first = await _browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var stored = Reveal((await SessionAsync(session)).AccessToken);
        using var replayer = _gateway.CreateClient(
            new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
        );
        using var replay = new HttpRequestMessage(HttpMethod.Get, callback);
        replay.Headers.Add("Cookie", $"{GitLabOAuthEndpoints.FlowCookie}={FlowOf(callback).GetProperty("Csrf").GetString()}");

        using var replayed = await replayer.SendAsync(replay);

        await AssertRefusedAsync(replayed, "this authorization has been used already");
        Assert.Equal(stored, Reveal((await SessionAsync(session)).AccessToken));
    }

    [Fact]
    public async Task Should_refuse_a_callback_in_a_browser_that_did_not_begin_the_flow()
    {
        var session = NewSession();
        var callback = await _dance.ApproveAsync(session);
        using var elsewhere = _gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var refused = await elsewhere.GetAsync(callback);

        await AssertRefusedAsync(refused, "this browser did not start this authorization");
        Assert.False(await Sessions.IsConnectedAsync(session, CancellationToken.None));
    }

    [Fact]
    public async Task Should_refuse_a_callback_without_a_code_and_store_nothing()
    {
        var session = NewSession();
        var callback = await _dance.ApproveAsync(session);
        var state = System.Web.HttpUtility.ParseQueryString(Query(callback))["state"]!;

        using var refused = await _browser.GetAsync($"/auth/gitlab/callback?state={Uri.EscapeDataString(state)}");

        await AssertRefusedAsync(refused, "code is required");
        Assert.False(await Sessions.IsConnectedAsync(session, CancellationToken.None));
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task Should_refuse_a_redirect_to_a_foreign_place(string redirect)
    {
        using var refused = await _browser.GetAsync(
            $"/auth/gitlab/authorize?session_id={NewSession()}&redirect_uri={Uri.EscapeDataString(redirect)}"
        );

        await AssertRefusedAsync(refused, "redirect_uri must be a path on this gateway");
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Should_not_let_a_bearer_token_connect_another_session()
    {
        using var refused = await Api(NewSession()).GetAsync($"/auth/gitlab/authorize?session_id={NewSession()}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", await refused.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_keep_the_tokens_out_of_answers_logs_and_messages()
    {
        var messages = _gateway.RecordMessages();
        var session = NewSession();
        using var connected = await _dance.ConnectAsync(session);
        using var backlog = await Api(session).GetAsync("/gitlab/projects/1/backlog");
        var stored = await SessionAsync(session);
        var secrets = new[] { Reveal(stored.AccessToken), Reveal(stored.RefreshToken) };

        var seen = string.Join('\n', messages) + _gateway.Logs.AllText + await backlog.Content.ReadAsStringAsync();

        Assert.All(secrets, secret => Assert.DoesNotContain(secret, seen, StringComparison.Ordinal));
        Assert.NotEmpty(messages);
    }

    private static string Query(Uri relative) => relative.OriginalString[relative.OriginalString.IndexOf('?')..];

    private IGitLabSessionStore Sessions => _gateway.Services.GetRequiredService<IGitLabSessionStore>();

    private async Task<GitLabSession> SessionAsync(string session) =>
        await Sessions.GetAsync(session, CancellationToken.None) ?? throw new InvalidOperationException($"{session} is not connected");

    private static string Reveal(Credential credential) => credential.Reveal(value => value);

    private static string NewSession() => $"session-{Guid.NewGuid():N}";

    private HttpClient Api(string session)
    {
        var client = _gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = TokenIssuer.Issue(
            _gateway.Settings,
            "oauth-tester",
            ["viewer"],
            TimeSpan.FromMinutes(10),
            DateTimeOffset.UtcNow,
            session
        );
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>What the state of a callback address says (its payload, unsigned).</summary>
    private static JsonElement FlowOf(Uri callback)
    {
        var state = System.Web.HttpUtility.ParseQueryString(Query(callback))["state"]!;
        return JsonSerializer.Deserialize<JsonElement>(System.Buffers.Text.Base64Url.DecodeFromChars(state.AsSpan(0, state.IndexOf('.'))));
    }

    private async Task<JsonElement> StatusAsync(string session) => await Api(session).GetFromJsonAsync<JsonElement>("/auth/gitlab/status");

    private async Task ForgetRequestsAsync() => (await _simulator.DeleteAsync("/_sim/requests")).EnsureSuccessStatusCode();

    private async Task<Dictionary<string, long>> RequestsByUserAsync()
    {
        var counts = await _simulator.GetFromJsonAsync<JsonElement>("/_sim/requests");
        return counts.GetProperty("by_user").EnumerateObject().ToDictionary(user => user.Name, user => user.Value.GetInt64());
    }

    /// <summary>The state with its session changed and its signature kept: what an attacker who wants another session tries.</summary>
    private static string Forge(string state, string session)
    {
        var (payload, signature) = (state[..state.IndexOf('.')], state[(state.IndexOf('.') + 1)..]);
        var flow = JsonSerializer.Deserialize<JsonElement>(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
        var changed = new
        {
            Sid = session,
            Redirect = flow.GetProperty("Redirect").GetString(),
            Csrf = flow.GetProperty("Csrf").GetString(),
            Exp = flow.GetProperty("Exp").GetInt64(),
        };
        return System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(changed)) + "." + signature;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage refused, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.JsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
