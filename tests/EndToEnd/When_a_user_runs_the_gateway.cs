using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>The quick start, end to end: one command, a banner with what to use, then GitLab's deliveries.</summary>
public sealed class When_a_user_runs_the_gateway : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;
    private readonly HttpClient _client;

    public When_a_user_runs_the_gateway(GatewayProcess gateway)
    {
        _gateway = gateway;
        _client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
    }

    [Fact]
    public void Should_print_one_banner_with_urls_modes_and_generated_secrets()
    {
        var output = _gateway.Output;

        Assert.Contains($"api        {_gateway.BaseUrl}", output);
        Assert.Contains("bus        in-memory transport", output);
        Assert.Contains("state      in-memory state", output);
        Assert.Contains("curl -i", output);
        Assert.Single(output.Split('\n'), line => line.Contains("GitLabBus gateway is up"));
    }

    [Fact]
    public void Should_keep_the_secrets_out_of_a_redirected_stdout_and_in_a_file_only_its_user_reads()
    {
        var output = _gateway.Output;

        Assert.DoesNotContain(_gateway.AdminToken, output, StringComparison.Ordinal);
        Assert.DoesNotContain(_gateway.WebhookSecret, output, StringComparison.Ordinal);
        Assert.Contains("source it for $TOKEN and $WEBHOOK_SECRET", output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_gateway.SecretsFile));
        }

        Assert.Contains($"export TOKEN='{_gateway.AdminToken}'", File.ReadAllText(_gateway.SecretsFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_mint_a_token_with_the_token_command_that_the_gateway_accepts_for_its_role()
    {
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GitLabBus.Gateway.dll");
        var start = new System.Diagnostics.ProcessStartInfo(
            "dotnet",
            [gatewayDll, "token", "--role", "viewer", "--gateway", _gateway.BaseUrl]
        )
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("LOCAL_JWT_SECRET");
        using var command = System.Diagnostics.Process.Start(start)!;
        var token = (await command.StandardOutput.ReadToEndAsync()).Trim();
        await command.WaitForExitAsync();

        Assert.Equal(0, command.ExitCode);
        using var viewer = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/webhooks/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/webhooks/deliveries/{Guid.NewGuid()}/replay", null)).StatusCode);
    }

    [Fact]
    public async Task Should_take_every_fixture_once_and_list_it_in_the_deliveries()
    {
        var accepted = new List<string>();
        foreach (var (file, eventName) in GitLabFixtures.All)
        {
            var key = Guid.NewGuid().ToString();
            var first = await _client.SendAsync(Delivery(GitLabFixtures.Read(file), eventName, _gateway.WebhookSecret, key));
            var again = await _client.SendAsync(Delivery(GitLabFixtures.Read(file), eventName, _gateway.WebhookSecret, key));

            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            accepted.Add((await first.DeliveryIdAsync()).ToString());
        }

        var list = new HttpRequestMessage(HttpMethod.Get, "/webhooks/deliveries?limit=100")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", _gateway.AdminToken) },
        };
        var listed = await (await _client.SendAsync(list)).Content.ReadAsStringAsync();
        Assert.All(accepted, id => Assert.Contains(id, listed));
    }

    [Fact]
    public async Task Should_refuse_a_wrong_token_a_broken_body_and_a_30_MB_body()
    {
        var wrongToken = await _client.SendAsync(Delivery("{}", "Push Hook", "not-the-secret", Guid.NewGuid().ToString()));
        var broken = await _client.SendAsync(Delivery("{", "Push Hook", _gateway.WebhookSecret, Guid.NewGuid().ToString()));
        var huge = await _client.SendAsync(
            Delivery(new string(' ', 30_000_000), "Push Hook", _gateway.WebhookSecret, Guid.NewGuid().ToString())
        );

        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }

    [Fact]
    public async Task Should_expose_masstransit_and_webhook_metrics()
    {
        await _client.SendAsync(Delivery(GitLabFixtures.Read("push.json"), "Push Hook", _gateway.WebhookSecret, Guid.NewGuid().ToString()));

        var metrics = "";
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
            {
                metrics = await _client.GetStringAsync("/metrics");
                return metrics.Contains("messaging_masstransit_consume") && metrics.Contains("gitlab_webhook_events_total");
            }),
            metrics
        );
    }

    private static HttpRequestMessage Delivery(string body, string eventName, string token, string key) =>
        new(HttpMethod.Post, "/webhooks/gitlab")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers =
            {
                { "X-Gitlab-Event", eventName },
                { "X-Gitlab-Token", token },
                { "Idempotency-Key", key },
            },
        };
}
