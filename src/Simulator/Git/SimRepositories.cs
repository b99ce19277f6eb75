using System.Diagnostics;
using System.Globalization;

namespace GitLabBus.Simulator.Git;

/// <summary>
/// Where a simulator keeps its projects' repositories: one folder of the system's temporary folder per simulator process,
/// removed when the simulator stops (and, for a process that was killed, by the next simulator that starts).
/// </summary>
public sealed class SimRepositories : IDisposable
{
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "gitlabbus-simulator");

    private readonly string _root;
    private readonly List<SimRepository> _open = [];
    private long _next;

    public SimRepositories()
    {
        RemoveAbandoned();
        _root = Path.Combine(Parent, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public SimRepository Create()
    {
        var repository = SimRepository.Create(Path.Combine(_root, (++_next).ToString(CultureInfo.InvariantCulture)));
        _open.Add(repository);
        return repository;
    }

    /// <summary>Closes and deletes every repository (a reset of the simulated world).</summary>
    public void Clear()
    {
        foreach (var repository in _open)
        {
            repository.Dispose();
            Delete(repository.Path);
        }

        _open.Clear();
    }

    public void Dispose()
    {
        Clear();
        Delete(_root);
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // A folder is named after the process that made it; a process that no longer runs cannot remove its own.
    private static void RemoveAbandoned()
    {
        if (!Directory.Exists(Parent))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(Parent))
        {
            var name = Path.GetFileName(folder);
            if (int.TryParse(name.Split('-')[0], CultureInfo.InvariantCulture, out var pid) && !Runs(pid))
            {
                Delete(folder);
            }
        }
    }

    private static bool Runs(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
