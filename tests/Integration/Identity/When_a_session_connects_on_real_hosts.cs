using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Simulator.State;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace GitLabBus.Tests.Integration.Identity;

/// <summary>
/// GitLab OAuth as a deployment runs it: an application registered with GitLab's admin API, the gateway, consumers and sagas
/// as their own processes on RabbitMQ and Redis. The gateway hands the code to the consumers over the bus; what Redis keeps
/// under <c>gitlab:oauth:{session}</c> is not the token; the session's backlog read runs in another process as its GitLab user.
/// </summary>
public sealed class When_a_session_connects_on_real_hosts(When_a_session_connects_on_real_hosts.Deployment deployment)
    : IClassFixture<When_a_session_connects_on_real_hosts.Deployment>
{
    public sealed class Deployment : RoleDeployment
    {
        private readonly Dictionary<string, string> _oauth = [];

        protected override IReadOnlyDictionary<string, string> Settings => _oauth;

        public IReadOnlyList<SimOAuthGrant> Grants =>
            Simulator.Services.GetRequiredService<SimStore>().Read(store => store.OAuthGrants.ToList());

        protected override async Task PrepareGitLabAsync()
        {
            var callback = $"{GatewayUrl}/auth/gitlab/callback";
            using var registered = await Root.PostAsJsonAsync(
                "/api/v4/applications",
                new
                {
                    name = "GitLabBus",
                    redirect_uri = callback,
                    scopes = "api",
                }
            );
            registered.EnsureSuccessStatusCode();
            var application = await registered.JsonAsync();
            _oauth["GITLAB_OAUTH_CLIENT_ID"] = application.GetProperty("application_id").GetString()!;
            _oauth["GITLAB_OAUTH_CLIENT_SECRET"] = application.GetProperty("secret").GetString()!;
            _oauth["GITLAB_OAUTH_REDIRECT_URI"] = callback;
        }
    }

    [Fact]
    public async Task Should_keep_the_token_encrypted_in_redis_and_read_the_backlog_as_the_sessions_user()
    {
        var session = $"session-{Guid.NewGuid():N}";
        using var browser = new HttpClient(OAuthDance.Browser()) { BaseAddress = new Uri(deployment.Gateway.Url) };
        using var dance = new OAuthDance(browser);

        using var connected = await dance.ConnectAsync(session);

        Assert.True(connected.StatusCode == HttpStatusCode.Redirect, $"{(int)connected.StatusCode}\n{deployment.Output}");
        using var redis = await ConnectionMultiplexer.ConnectAsync(TestInfrastructure.RedisEndpoint);
        var stored = (
            await redis.GetDatabase(deployment.Infrastructure.RedisDatabase).StringGetAsync($"gitlab:oauth:{session}")
        ).ToString();
        var grant = Assert.Single(deployment.Grants);
        Assert.False(string.IsNullOrEmpty(stored));
        Assert.DoesNotContain(grant.AccessToken, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(grant.RefreshToken, stored, StringComparison.Ordinal);

        using var api = deployment.ApiForSession(session, "viewer");
        var status = await api.GetFromJsonAsync<JsonElement>("/auth/gitlab/status");
        (await deployment.Root.DeleteAsync("/_sim/requests")).EnsureSuccessStatusCode();
        using var backlog = await api.GetAsync("/gitlab/projects/1/backlog");
        var requests = await deployment.Root.GetFromJsonAsync<JsonElement>("/_sim/requests");

        Assert.True(status.GetProperty("connected").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, backlog.StatusCode);
        Assert.True(requests.GetProperty("by_user").TryGetProperty("root", out var asRoot) && asRoot.GetInt64() > 0, requests.ToString());
        Assert.DoesNotContain(grant.AccessToken, deployment.Output, StringComparison.Ordinal);
    }
}
