using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// Every <c>bash</c> example of the README and of <c>docs/</c>, pasted in order into one shell per file after the quick
/// start, as a reader would: each must succeed (curl fails on an error answer), against the quick-start process with
/// the secrets its banner names. Only the addresses are rewritten to this process's ports. Blocks fenced <c>sh</c> set
/// things up (other modes, other hosts) and are not run.
/// </summary>
public sealed partial class When_the_docs_examples_are_run : IAsyncLifetime
{
    private readonly GatewayProcess _gateway = new();

    public Task InitializeAsync() => _gateway.InitializeAsync();

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task Should_run_every_bash_example_of_the_readme_and_the_docs_as_written()
    {
        var root = RepositoryFiles.Root;
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order());
        var failures = new List<string>();
        var run = 0;
        foreach (var file in files)
        {
            var blocks = BashBlocks().Matches(await File.ReadAllTextAsync(file)).Select(m => m.Groups["script"].Value).ToList();
            if (blocks.Count == 0)
            {
                continue;
            }

            run += blocks.Count;
            var (exit, output) = await RunAsync(string.Join("\n", blocks.Select(Rewrite)));
            var missing = Expected
                .GetValueOrDefault(Path.GetFileName(file), [])
                .Where(text => !output.Contains(text, StringComparison.Ordinal));
            if (exit != 0 || missing.Any())
            {
                failures.Add($"{Path.GetRelativePath(root, file)} (exit {exit}, missing {string.Join(", ", missing)}):\n{Tail(output)}");
            }
        }

        Assert.True(run >= 10, $"{run} examples found");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures) + "\n\n" + Tail(_gateway.Output));
    }

    /// <summary>What the examples' answers must show, so that a run that asked nothing useful does not pass.</summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["README.md"] = ["\"tracked_state\"", "\"provider\":\"rules\"", "\"end_state_matches\":true", "\"entries\""],
        ["identity.md"] =
        [
            "\"token_type\": \"Bearer\"",
            "\"code\":\"unauthorized\"",
            "\"path_with_namespace\":\"demo/shop\"",
            "this account has no access to project 2",
            "302 to",
            "\"connected\":true",
            "\"disconnected\":true",
            "\"valid\":true",
            "{\"title\":\"Renamed in GitLab\",\"state\":\"closed\"}",
            "[\"link.added\",\"gitlab.configured\"]",
            "{\"org_backlog\":1}",
            "\"ref\":\"main\"}",
        ],
        ["backlog.md"] =
        [
            "\"model\":\"minilm/all-MiniLM-L6-v2\"",
            "\"title\":\"Cart total ignores discounts\"",
            "\"title\":\"Typo-tolerant product search\"",
        ],
        ["pipelines.md"] = ["\"status\""],
        ["progress.md"] = ["event: completed"],
    };

    private string Rewrite(string script) =>
        script
            .Replace("http://127.0.0.1:8080", _gateway.BaseUrl, StringComparison.Ordinal)
            .Replace("http://127.0.0.1:8929", _gateway.SimulatorUrl, StringComparison.Ordinal)
            .Replace(
                "dotnet run --project src/Gateway --",
                $"dotnet {Path.Combine(AppContext.BaseDirectory, "GitLabBus.Gateway.dll")}",
                StringComparison.Ordinal
            );

    private async Task<(int Exit, string Output)> RunAsync(string examples)
    {
        var script = $$"""
            set -euo pipefail
            source '{{_gateway.SecretsFile}}'
            curl() { command curl --fail-with-body --show-error --max-time 120 "$@"; }
            set -x
            {{examples}}
            """;
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("LOCAL_JWT_SECRET");
        using var shell = Process.Start(start)!;
        var output = new StringBuilder();
        shell.OutputDataReceived += (_, line) => Append(output, line.Data);
        shell.ErrorDataReceived += (_, line) => Append(output, line.Data);
        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await shell.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            shell.Kill(entireProcessTree: true);
            return (-1, output + "\n(timed out after 3 minutes)");
        }

        return (shell.ExitCode, output.ToString());
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Tail(string text) => text.Length <= 6_000 ? text : "…" + text[^6_000..];

    [GeneratedRegex(@"^```bash[ \t]*\r?\n(?<script>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BashBlocks();
}
