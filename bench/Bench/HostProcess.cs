using System.Diagnostics;

namespace GitLabBus.Bench;

/// <summary>One of our hosts started as its own process from the benchmark's output folder.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process) => _process = process;

    public static async Task<HostProcess> StartAsync(string assembly, string healthUrl, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("applied in", StringComparison.Ordinal) == true)
            {
                Console.Error.WriteLine($"[{assembly}] {line.Data}");
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                Console.Error.WriteLine($"[{assembly}] {line.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{assembly} exited with code {process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync(healthUrl)).IsSuccessStatusCode)
                {
                    return new HostProcess(process);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        process.Kill(true);
        throw new TimeoutException($"{assembly} did not become ready at {healthUrl}");
    }

    public long PeakWorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
