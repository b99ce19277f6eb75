using System.Diagnostics;
using System.Text;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Integration;

/// <summary>
/// A role host (<c>GitLabBus.Consumers.dll</c>, <c>GitLabBus.Sagas.dll</c>) as its own process, as a deployment runs it,
/// so a test can kill it outright (SIGKILL: no graceful stop, nothing flushed) in the middle of its work.
/// </summary>
public sealed class RoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RoleProcess(Process process, string url)
    {
        (_process, Url) = (process, url);
    }

    public string Url { get; }

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

    /// <summary>Starts <paramref name="assembly"/> with <paramref name="environment"/> and waits until <c>/health/ready</c> answers
    /// 200.</summary>
    /// <param name="url">Where it listens: a free loopback port unless the caller had to know it beforehand.</param>
    public static async Task<RoleProcess> StartAsync(string assembly, IReadOnlyDictionary<string, string> environment, string? url = null)
    {
        url ??= Ports.FreeLoopbackUrl();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly), "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var role = new RoleProcess(Process.Start(start)!, url);
        role._process.OutputDataReceived += (_, line) => role.Collect(line.Data);
        role._process.ErrorDataReceived += (_, line) => role.Collect(line.Data);
        role._process.BeginOutputReadLine();
        role._process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var ready = await GitLabDelivery.EventuallyAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60)
        );
        Assert.True(ready, $"{assembly} did not become ready:\n{role.Output}");
        return role;
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a pulled plug would end it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
