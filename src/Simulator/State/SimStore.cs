using System.Security.Cryptography;
using System.Text;
using GitLabBus.Simulator.Git;

namespace GitLabBus.Simulator.State;

/// <summary>A webhook to deliver: the event header, the payload, and the project whose hooks receive it.</summary>
public sealed record SimHookEvent(long ProjectId, string EventHeader, string ObjectKind, object Payload);

/// <summary>How pipelines run: stages (one job each), how long a job runs in simulated time, which jobs wait for a person.</summary>
/// <param name="ChildStage">When set, pipelines get a bridge job <c>trigger-child</c> in this stage that starts a child pipeline.</param>
/// <param name="ChildStages">The child pipeline's stages, one job each.</param>
public sealed record PipelineSettings(
    IReadOnlyList<string> Stages,
    TimeSpan JobDuration,
    IReadOnlySet<string> ManualJobs,
    string? ChildStage = null,
    IReadOnlyList<string>? ChildStages = null
)
{
    public const string BridgeName = "trigger-child";

    public static readonly PipelineSettings Default = new(["build", "test", "deploy"], TimeSpan.FromSeconds(10), new HashSet<string>());
}

/// <summary>
/// The simulated GitLab's whole state behind one lock, with the rules that span entities: commits and conflicts,
/// mergeability, pipelines for new heads, and the webhooks each change raises.
/// </summary>
public sealed partial class SimStore(SimClock clock, SimulatorOptions options) : IDisposable
{
    private readonly object _gate = new();
    private long _nextId = 1;
    private long _shaCounter;

    public SimClock Clock => clock;

    public SimulatorOptions Options => options;

    public List<SimUser> Users { get; } = [];
    public List<SimGroup> Groups { get; } = [];
    public List<SimProject> Projects { get; } = [];
    public List<SimEpic> Epics { get; } = [];
    public List<SimIssue> Issues { get; } = [];
    public List<SimMergeRequest> MergeRequests { get; } = [];
    public List<SimNote> Notes { get; } = [];
    public List<SimPipeline> Pipelines { get; } = [];
    public PipelineSettings PipelineSettings { get; set; } = PipelineSettings.Default;

    /// <summary>
    /// The hook the demo project delivers to when a host installed one (the embedded gateway's own webhook endpoint): not part
    /// of the world, so <c>POST /_sim/seed</c> puts it back.
    /// </summary>
    public (string Url, string? Token)? DemoHook { get; set; }

    /// <summary>Forced outcomes for the next pipeline of a project and ref.</summary>
    public Dictionary<(long ProjectId, string Ref), string> NextOutcomes { get; } = [];

    /// <summary>Raised (under the lock) for every change a GitLab hook would report; the dispatcher delivers it later.</summary>
    public event Action<SimHookEvent>? Emitted;

    /// <summary>Runs <paramref name="write"/> alone: every change to the world, and every read that must see it whole.</summary>
    public T Write<T>(Func<SimStore, T> write)
    {
        lock (_gate)
        {
            return write(this);
        }
    }

    public void Write(Action<SimStore> write) =>
        Write(store =>
        {
            write(store);
            return true;
        });

    /// <summary>A read under the same lock: it sees no change half made.</summary>
    public T Read<T>(Func<SimStore, T> read) => Write(read);

    public long NewId() => _nextId++;

    public DateTimeOffset Now => clock.Now;

    /// <summary>The projects' git repositories, in a temporary folder removed when the simulator stops.</summary>
    public SimRepositories Repositories { get; } = new();

    public void Dispose() => Repositories.Dispose();

    public string NewSha() => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"gitlabbus-simulator-{++_shaCounter}")));

    public void Emit(long projectId, string header, string kind, object payload) =>
        Emitted?.Invoke(new SimHookEvent(projectId, header, kind, payload));

    public SimUser Root => Users[0];

    public string Host => new Uri(options.PublicUrl).Authority;

    public string WebUrl(string path) => $"{options.PublicUrl.TrimEnd('/')}/{path}";

    public SimUser UserById(long id) => Users.FirstOrDefault(user => user.Id == id) ?? Root;

    public SimProject? FindProject(string idOrPath) => Find(Projects, idOrPath, project => project.Id, project => project.FullPath);

    public SimGroup? FindGroup(string idOrPath) => Find(Groups, idOrPath, group => group.Id, group => group.FullPath);

    /// <summary>A group, then its parent, up to the top-level group.</summary>
    public IEnumerable<SimGroup> GroupAndAncestors(SimGroup group)
    {
        for (
            SimGroup? current = group;
            current is not null;
            current = current.ParentId is { } parent ? Groups.FirstOrDefault(g => g.Id == parent) : null
        )
        {
            yield return current;
        }
    }

    /// <summary>By numeric id or full path, URL-encoded or not, as GitLab's <c>:id</c> accepts.</summary>
    private static T? Find<T>(IEnumerable<T> items, string idOrPath, Func<T, long> idOf, Func<T, string> pathOf)
        where T : class
    {
        var key = Uri.UnescapeDataString(idOrPath);
        return long.TryParse(key, out var id)
            ? items.FirstOrDefault(item => idOf(item) == id)
            : items.FirstOrDefault(item => string.Equals(pathOf(item), key, StringComparison.OrdinalIgnoreCase));
    }

    public void Reset()
    {
        Users.Clear();
        Groups.Clear();
        Projects.Clear();
        Epics.Clear();
        Issues.Clear();
        MergeRequests.Clear();
        Notes.Clear();
        Pipelines.Clear();
        AccessTokens.Clear();
        Awards.Clear();
        OAuthApplications.Clear();
        OAuthCodes.Clear();
        OAuthGrants.Clear();
        NextOutcomes.Clear();
        PipelineRules.Clear();
        MergeRefs.Clear();
        Repositories.Clear();
        PipelineSettings = PipelineSettings.Default;
        // Id 1 of every other kind is the demo's (group demo, project demo/shop): new ones start after it.
        _nextId = 2;
        _nextUserId = 1;
        _nextTokenId = 1;
        AddUser("root", "Administrator", "admin@example.com", isAdmin: true);
        AddConfiguredTokens();
    }
}
