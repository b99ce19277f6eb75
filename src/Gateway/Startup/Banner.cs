using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Settings;
using GitLabBus.Simulator;

namespace GitLabBus.Gateway.Startup;

/// <summary>
/// The one start banner: where to go, what runs where, and how to reach the secrets generated for this run. Those are
/// written to a file only the user can read (<see cref="EmbeddedSecrets"/>) and shown as ready-to-paste <c>export</c> lines
/// only when stdout is a terminal; otherwise stdout may be a log collector, and the banner names the file instead. Never
/// through the logger: log lines never carry secrets.
/// </summary>
public static class Banner
{
    public static void ShowOnStart(WebApplication app, RuntimeSettings runtime, GatewaySettings gateway, GitLabSettings gitlab)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var baseUrl = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:8080";
            var secrets = Generated(gateway, TimeProvider.System.GetUtcNow());
            var file = secrets.Count == 0 ? null : EmbeddedSecrets.Write(new Uri(baseUrl), secrets);
            if (file is not null)
            {
                app.Services.GetRequiredService<ILoggerFactory>()
                    .CreateLogger(typeof(Banner))
                    .LogInformation("Secrets generated for this run are in {SecretsFile} (mode 600)", file);
                app.Lifetime.ApplicationStopping.Register(() => EmbeddedSecrets.Remove(new Uri(baseUrl)));
            }

            var shown = Console.IsOutputRedirected ? null : secrets;
            Console.Out.Write(Render(baseUrl, runtime, gateway, gitlab, file, shown));
        });
    }

    /// <summary>The secrets this run made up, by the names the docs' examples use: an admin token when the signing key was
    /// generated, the webhook secret and the first admin's password when they were.</summary>
    public static IReadOnlyDictionary<string, string> Generated(GatewaySettings gateway, DateTimeOffset now)
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (gateway.JwtSecretGenerated)
        {
            secrets[EmbeddedSecrets.Token] = TokenIssuer.Issue(gateway, "embedded-admin", [Roles.Admin], TimeSpan.FromDays(7), now);
            secrets[EmbeddedSecrets.JwtSecret] = gateway.JwtSecret;
        }

        if (gateway.WebhookSecretGenerated)
        {
            secrets[EmbeddedSecrets.WebhookSecret] = gateway.WebhookSecret;
        }

        if (gateway.Identity is { AdminPasswordGenerated: true, AdminPassword: { } password })
        {
            secrets[EmbeddedSecrets.AdminPassword] = password;
        }

        return secrets;
    }

    /// <param name="secretsFile">Where the generated secrets are, when there are any.</param>
    /// <param name="shown">The secrets to print (only for a terminal), or null to print where they are.</param>
    public static string Render(
        string baseUrl,
        RuntimeSettings runtime,
        GatewaySettings gateway,
        GitLabSettings gitlab,
        string? secretsFile,
        IReadOnlyDictionary<string, string>? shown
    )
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

        if (secretsFile is not null)
        {
            if (shown is null)
            {
                lines.Add($"  secrets    generated for this run, in {secretsFile} (mode 600): source it for $TOKEN and $WEBHOOK_SECRET");
            }
            else
            {
                lines.Add($"  secrets    generated for this run (also in {secretsFile}, mode 600); paste these into your shell:");
                lines.AddRange(
                    shown.Where(s => s.Key != EmbeddedSecrets.JwtSecret).Select(secret => $"    export {secret.Key}='{secret.Value}'")
                );
            }

            lines.Add("  try it:");
            lines.Add($"    curl -i {baseUrl}/webhooks/gitlab -H \"X-Gitlab-Token: $WEBHOOK_SECRET\" -H 'X-Gitlab-Event: Push Hook' \\");
            lines.Add(
                "      -H 'Content-Type: application/json' "
                    + "-d '{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"project\":{\"id\":1}}'"
            );
            lines.Add($"    curl -s {baseUrl}/webhooks/deliveries -H \"Authorization: Bearer $TOKEN\"");
            if (gateway.Identity.AdminPasswordGenerated)
            {
                lines.Add(
                    $"    curl -s {baseUrl}/auth/login -H 'Content-Type: application/json' "
                        + $"-d \"{{\\\"username\\\":\\\"{IdentitySettings.AdminUsername}\\\",\\\"password\\\":\\\"$ADMIN_PASSWORD\\\"}}\""
                );
            }

            lines.Add("  more tokens: dotnet run --project src/Gateway -- token --role viewer");
        }

        lines.Add("");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string SimulatorToken(GitLabSettings gitlab) =>
        gitlab.SimulatorTokens[0] == GitLabSettings.SimulatorToken ? GitLabSettings.SimulatorToken : "from SIMULATOR_TOKENS";
}
