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
            // The hosts log to standard output: what went wrong (and the apply's timing line) goes to the benchmark's errors.
            if (line.Data is { } text && (text.Contains("applied in", StringComparison.Ordinal) || IsTrouble(text)))
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

    private static bool IsTrouble(string line) =>
        line.Contains(" WRN]", StringComparison.Ordinal)
        || line.Contains(" ERR]", StringComparison.Ordinal)
        || line.Contains(" FTL]", StringComparison.Ordinal);

    public long PeakWorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>CPU time the process has used so far (user and kernel).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>CPU time every process of the machine has used since boot (from <c>/proc/stat</c>), to split a phase's CPU
    /// between our hosts and the rest (broker, Redis, the load generator).</summary>
    public static TimeSpan MachineBusyTime()
    {
        var fields = File.ReadLines("/proc/stat")
            .First()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(long.Parse)
            .ToArray();
        var idle = fields[3] + fields[4];
        // user, nice, system, irq, softirq: not idle, not waiting, not stolen by the hypervisor.
        return TimeSpan.FromSeconds((fields.Take(7).Sum() - idle) / 100.0);
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
