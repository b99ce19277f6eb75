using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using GitLabBus.Gateway.Startup;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// <c>dotnet run --project src/Gateway</c> as a user runs it: its own process, embedded mode, secrets generated and read
/// back from the file the start banner names.
/// </summary>
public sealed partial class GatewayProcess : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _bannerShown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process _process = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The gateway's built-in GitLab simulator.</summary>
    public string SimulatorUrl { get; private set; } = "";

    public string AdminToken { get; private set; } = "";

    public string WebhookSecret { get; private set; } = "";

    /// <summary>Where the banner said the generated secrets are.</summary>
    public string SecretsFile { get; private set; } = "";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        BaseUrl = Ports.FreeLoopbackUrl();
        SimulatorUrl = Ports.FreeLoopbackUrl();
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "GitLabBus.Gateway.dll");
        var start = new ProcessStartInfo("dotnet", [gatewayDll, "--urls", BaseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (
            var variable in new[]
            {
                "RABBITMQ_URL",
                "REDIS_URL",
                "GITLAB_WEBHOOK_SECRET",
                "LOCAL_JWT_SECRET",
                "GITLABBUS_ALL_IN_ONE",
                "ASPNETCORE_URLS",
                "GITLAB_BASE_URL",
                "GITLAB_TOKEN",
                "SIMULATOR_TOKENS",
            }
        )
        {
            start.Environment.Remove(variable);
        }

        start.Environment["SIMULATOR_URL"] = SimulatorUrl;

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => Collect(line.Data);
        _process.ErrorDataReceived += (_, line) => Collect(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await _bannerShown.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Stops the gateway the way Ctrl-C or a container stop does and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        // Its stdout is not a terminal: the banner names the secrets file instead of printing them.
        if (SecretsFileLine().Match(line) is { Success: true } file)
        {
            SecretsFile = file.Groups["path"].Value;
            var secrets = EmbeddedSecrets.Read(new Uri(BaseUrl));
            AdminToken = secrets[EmbeddedSecrets.Token];
            WebhookSecret = secrets[EmbeddedSecrets.WebhookSecret];
            _bannerShown.TrySetResult();
        }
    }

    [GeneratedRegex(@"secrets +generated for this run, in (?<path>\S+\.env) \(mode 600\)")]
    private static partial Regex SecretsFileLine();
}
