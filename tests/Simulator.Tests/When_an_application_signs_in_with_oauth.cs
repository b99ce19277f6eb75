using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GitLabBus.Simulator;
using GitLabBus.Simulator.State;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Simulator;

/// <summary>GitLab's OAuth as the gateway will use it: an application, the authorization code flow with PKCE, refresh, expiry.</summary>
public sealed class When_an_application_signs_in_with_oauth : IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:9/auth/gitlab/callback";

    private readonly string _url = Ports.FreeLoopbackUrl();
    private WebApplication _simulator = null!;
    private HttpClient _http = null!;
    private (string Id, string Secret) _client;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorApp.StartAsync(new SimulatorOptions { PublicUrl = _url, OAuthTokenLifetime = TimeSpan.FromMinutes(5) });
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_url) };
        using var registered = await Send(
            HttpMethod.Post,
            "/api/v4/applications",
            SimulatorOptions.DefaultToken,
            new
            {
                name = "GitLabBus",
                redirect_uri = Callback,
                scopes = "api",
            }
        );
        var application = await registered.Content.ReadFromJsonAsync<JsonElement>();
        _client = (application.GetProperty("application_id").GetString()!, application.GetProperty("secret").GetString()!);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Should_exchange_a_code_with_its_pkce_verifier_for_a_token_that_acts_as_the_user()
    {
        var verifier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        var (code, state) = await AuthorizeAsync(SimStore.Challenge(verifier), "csrf-42");
        using var token = await TokenAsync(
            new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["code_verifier"] = verifier,
            }
        );
        var answer = await token.Content.ReadFromJsonAsync<JsonElement>();
        using var user = await Send(HttpMethod.Get, "/api/v4/user", bearer: answer.GetProperty("access_token").GetString());
        using var again = await TokenAsync(
            new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["code_verifier"] = verifier,
            }
        );

        Assert.Equal("csrf-42", state);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(("Bearer", 300), (answer.GetProperty("token_type").GetString(), answer.GetProperty("expires_in").GetInt32()));
        Assert.Equal("root", (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_code_whose_verifier_does_not_match_its_challenge()
    {
        var (code, _) = await AuthorizeAsync(SimStore.Challenge("the-real-verifier-the-real-verifier-0123"), "s");

        using var token = await TokenAsync(
            new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["code_verifier"] = "a-guess",
            }
        );

        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Equal("invalid_grant", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Should_refresh_once_per_refresh_token_and_refuse_an_expired_access_token()
    {
        var verifier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var (code, _) = await AuthorizeAsync(SimStore.Challenge(verifier), "s");
        using var first = await TokenAsync(
            new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["code_verifier"] = verifier,
            }
        );
        var refresh = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;

        using var renewed = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        using var spent = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        var access = (await renewed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        using var beforeExpiry = await Send(HttpMethod.Get, "/api/v4/user", bearer: access);
        using var clock = await Send(HttpMethod.Post, "/_sim/clock", body: new { speed = 600 });
        var afterExpiry = await GitLabDelivery.EventuallyAsync(async () =>
        {
            using var answer = await Send(HttpMethod.Get, "/api/v4/user", bearer: access);
            return answer.StatusCode == HttpStatusCode.Unauthorized
                && (await answer.Content.ReadAsStringAsync()).Contains("Token is expired");
        });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest), (renewed.StatusCode, spent.StatusCode));
        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);
        Assert.True(afterExpiry);
    }

    [Fact]
    public async Task Should_revoke_a_grant_by_its_refresh_token_and_answer_a_second_revocation_alike()
    {
        var verifier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var (code, _) = await AuthorizeAsync(SimStore.Challenge(verifier), "s");
        using var granted = await TokenAsync(
            new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["code_verifier"] = verifier,
            }
        );
        var grant = await granted.Content.ReadFromJsonAsync<JsonElement>();
        var (access, refresh) = (grant.GetProperty("access_token").GetString()!, grant.GetProperty("refresh_token").GetString()!);

        using var revoked = await RevokeAsync(refresh, _client.Secret);
        using var again = await RevokeAsync(refresh, _client.Secret);
        using var wrongClient = await RevokeAsync(refresh, "not-the-secret");
        using var user = await Send(HttpMethod.Get, "/api/v4/user", bearer: access);
        using var renewed = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });

        Assert.Equal((HttpStatusCode.OK, "{}"), (revoked.StatusCode, await revoked.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongClient.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, user.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, renewed.StatusCode);
    }

    private Task<HttpResponseMessage> RevokeAsync(string token, string secret) =>
        _http.PostAsync(
            "/oauth/revoke",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["client_id"] = _client.Id,
                    ["client_secret"] = secret,
                    ["token"] = token,
                }
            )
        );

    private async Task<(string Code, string? State)> AuthorizeAsync(string challenge, string state)
    {
        using var answer = await _http.GetAsync(
            $"/oauth/authorize?client_id={_client.Id}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code&state={state}"
                + $"&scope=api&code_challenge={challenge}&code_challenge_method=S256"
        );
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(answer.Headers.Location!.Query);
        Assert.StartsWith(Callback, answer.Headers.Location.ToString(), StringComparison.Ordinal);
        return (query["code"]!, query["state"]);
    }

    private Task<HttpResponseMessage> TokenAsync(Dictionary<string, string> fields)
    {
        fields["client_id"] = _client.Id;
        fields["client_secret"] = _client.Secret;
        fields.TryAdd("redirect_uri", Callback);
        return _http.PostAsync("/oauth/token", new FormUrlEncodedContent(fields));
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token = null, object? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Add("PRIVATE-TOKEN", token);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return _http.SendAsync(request);
    }
}
