using GitLabBus.Gateway.Auth;
using GitLabBus.Runtime.Settings;
using GitLabBus.Simulator;

namespace GitLabBus.Gateway.Startup;

/// <summary>
/// The one start banner: where to go, what runs where, and (only for secrets generated for this run) the
/// admin token and webhook secret. Written to stdout, not the log: log lines never carry secrets.
/// </summary>
public static class Banner
{
    public static void ShowOnStart(WebApplication app, RuntimeSettings runtime, GatewaySettings gateway, GitLabSettings gitlab) =>
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.Out.Write(
                Render(app.Urls.FirstOrDefault() ?? "http://127.0.0.1:8080", runtime, gateway, gitlab, TimeProvider.System.GetUtcNow())
            )
        );

    public static string Render(string baseUrl, RuntimeSettings runtime, GatewaySettings gateway, GitLabSettings gitlab, DateTimeOffset now)
    {
        var roles = gateway.RunsAllRoles
            ? "gateway + consumers + sagas in this process"
            : "gateway only (consumers and sagas run as their own hosts)";
        var lines = new List<string>
        {
            "",
            "  GitLabBus gateway is up",
            $"  api        {baseUrl}   docs {baseUrl}/docs   openapi {baseUrl}/openapi/v1.json",
            $"  health     {baseUrl}/health   metrics {baseUrl}/metrics",
            $"  roles      {roles}",
            $"  bus        {runtime.Bus.Describe()}",
            $"  state      {runtime.Redis.Describe()}",
            $"  gitlab     {gitlab.Describe()}",
        };

        if (gitlab.UsesSimulator)
        {
            var simulator = gitlab.SimulatorUrl.ToString().TrimEnd('/');
            lines.Add(
                $"  simulator  {simulator}/api/v4 (PRIVATE-TOKEN {SimulatorToken(gitlab)}), controls {simulator}/_sim; "
                    + "demo/shop sends its webhooks here"
            );
            lines.Add(
                $"  people     {SimulatorOptions.DeveloperUsername} (Developer) PRIVATE-TOKEN {SimulatorOptions.DeveloperToken}; "
                    + $"this gateway acts as {SimulatorOptions.BotUsername} (Maintainer)"
            );
        }

        if (gateway.JwtSecretGenerated)
        {
            var token = TokenIssuer.Issue(gateway, "embedded-admin", [Roles.Admin], TimeSpan.FromDays(7), now);
            lines.Add($"  admin token (generated for this run, valid 7 days): {token}");
        }

        if (gateway.WebhookSecretGenerated)
        {
            lines.Add($"  webhook secret (generated for this run): {gateway.WebhookSecret}");
            lines.Add("  try it:");
            lines.Add(
                $"    curl -i {baseUrl}/webhooks/gitlab -H 'X-Gitlab-Token: {gateway.WebhookSecret}' -H 'X-Gitlab-Event: Push Hook' \\"
            );
            lines.Add(
                "      -H 'Content-Type: application/json' "
                    + "-d '{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"project\":{\"id\":1}}'"
            );
            if (gateway.JwtSecretGenerated)
            {
                lines.Add($"    curl -s {baseUrl}/webhooks/deliveries -H 'Authorization: Bearer <the token above>'");
            }
        }

        lines.Add("");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string SimulatorToken(GitLabSettings gitlab) =>
        gitlab.SimulatorTokens[0] == GitLabSettings.SimulatorToken ? GitLabSettings.SimulatorToken : "from SIMULATOR_TOKENS";
}
