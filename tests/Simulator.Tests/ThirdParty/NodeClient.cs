using System.Diagnostics;
using System.Text.Json;

namespace GitLabBus.Tests.Simulator.ThirdParty;

/// <summary>
/// Runs a script of this folder with Node.js: the GitLab client libraries it uses are installed from the folder's
/// package-lock.json the first time (npm ci), so a fresh machine needs only node and npm.
/// </summary>
internal static class NodeClient
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    public static async Task<JsonElement> RunAsync(
        string script,
        IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken
    )
    {
        var folder = Folder();
        await EnsureInstalledAsync(folder, cancellationToken);
        var output = await RunAsync("node", [script], folder, environment, cancellationToken);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static async Task EnsureInstalledAsync(string folder, CancellationToken cancellationToken)
    {
        await Install.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(Path.Combine(folder, "node_modules", ".package-lock.json")))
            {
                await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, new Dictionary<string, string>(), cancellationToken);
            }
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<string> RunAsync(
        string program,
        string[] arguments,
        string folder,
        IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken
    )
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}");
        }

        return await output;
    }

    private static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "tests", "Simulator.Tests", "ThirdParty");
            if (File.Exists(Path.Combine(folder, "package.json")))
            {
                return folder;
            }
        }

        throw new InvalidOperationException("tests/Simulator.Tests/ThirdParty not found above " + AppContext.BaseDirectory);
    }
}
