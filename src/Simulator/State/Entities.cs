using System.Text;
using System.Text.Json;
using GitLabBus.Simulator.Git;

namespace GitLabBus.Simulator.State;

// The simulator's mutable world. Every read and write happens under SimStore's lock.

public sealed class SimUser
{
    public long Id { get; init; }
    public required string Username { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public bool IsAdmin { get; init; }
    public bool Bot { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A personal access token: who it acts as, until when. <see cref="Value"/> is what clients send.</summary>
public sealed record SimAccessToken(
    long Id,
    string Name,
    long UserId,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    string? ExpiresAt
)
{
    public required string Value { get; init; }
}

/// <summary>GitLab's access levels: 10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner.</summary>
public static class SimAccessLevel
{
    public const int Guest = 10;
    public const int Reporter = 20;
    public const int Developer = 30;
    public const int Maintainer = 40;
    public const int Owner = 50;

    public static bool IsValid(int level) => level is Guest or Reporter or Developer or Maintainer or Owner;
}

public sealed class SimGroup
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public required string Path { get; init; }
    public long? ParentId { get; init; }
    public required string FullPath { get; init; }
    public string Description { get; set; } = "";
    public bool EpicsEnabled { get; init; } = true;

    /// <summary>Group labels: usable on the group's epics and on the issues of every project below it.</summary>
    public List<SimLabel> Labels { get; } = [];
    public List<SimHook> Hooks { get; } = [];
}

/// <summary>A branch: a name for a commit of the project's repository, moved by pushes, merges and rebases.</summary>
public sealed class SimBranch
{
    public required string Name { get; init; }

    /// <summary>The sha of the branch's newest commit.</summary>
    public required string Head { get; set; }

    public bool Protected { get; set; }
}

public sealed class SimLabel
{
    public long Id { get; init; }
    public required string Name { get; set; }
    public required string Color { get; set; }
    public string? Description { get; set; }
}

public sealed class SimProject
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public required string Path { get; init; }
    public required SimGroup Group { get; init; }

    /// <summary>The project's git repository: every commit, tree and file; branch heads are in <see cref="Branches"/>.</summary>
    public required SimRepository Repository { get; init; }
    public string Description { get; set; } = "";
    public string DefaultBranch { get; set; } = "main";

    /// <summary><c>merge</c>, <c>rebase_merge</c> or <c>ff</c>: the last two need the source up to date with the target.</summary>
    public string MergeMethod { get; set; } = "merge";

    /// <summary>Merge only once the merge request's latest pipeline succeeded (skipped counts with the next setting).</summary>
    public bool OnlyAllowMergeIfPipelineSucceeds { get; set; }

    public bool AllowMergeOnSkippedPipeline { get; set; }

    /// <summary><c>never</c>, <c>always</c>, <c>default_on</c> or <c>default_off</c> (GitLab's default).</summary>
    public string SquashOption { get; set; } = "default_off";

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastActivityAt { get; set; }
    public Dictionary<string, SimBranch> Branches { get; } = new(StringComparer.Ordinal);
    public List<SimLabel> Labels { get; } = [];
    public List<SimHook> Hooks { get; } = [];
    public List<SimEnvironment> Environments { get; } = [];
    public Dictionary<string, string> TriggerTokens { get; } = [];

    /// <summary>Direct members: user id → access level, with the time they joined.</summary>
    public Dictionary<long, (int AccessLevel, DateTimeOffset Since)> Members { get; } = [];
    public long NextIssueIid { get; set; } = 1;
    public long NextMergeRequestIid { get; set; } = 1;
    public long NextPipelineIid { get; set; } = 1;
    public string FullPath => $"{Group.FullPath}/{Path}";
}

public sealed class SimEpic
{
    public long Id { get; init; }
    public long Iid { get; init; }
    public long GroupId { get; init; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string State { get; set; } = "opened";
    public List<string> Labels { get; set; } = [];
    public long? ParentId { get; set; }
    public long AuthorId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

public sealed class SimIssue
{
    public long Id { get; init; }
    public long Iid { get; init; }
    public long ProjectId { get; init; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string State { get; set; } = "opened";
    public List<string> Labels { get; set; } = [];
    public long? EpicId { get; set; }
    public long AuthorId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

public sealed record SimVersion(long Id, string HeadSha, string BaseSha, string StartSha, DateTimeOffset CreatedAt);

public sealed class SimMergeRequest
{
    public long Id { get; init; }
    public long Iid { get; init; }
    public long ProjectId { get; init; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string State { get; set; } = "opened";
    public required string SourceBranch { get; init; }
    public required string TargetBranch { get; set; }
    public List<string> Labels { get; set; } = [];
    public long AuthorId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? MergedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? MergeCommitSha { get; set; }
    public string? SquashCommitSha { get; set; }

    /// <summary>The simulated time an accepted rebase finishes; null when none is running.</summary>
    public DateTimeOffset? RebaseDoneAt { get; set; }

    /// <summary>The running rebase was asked with <c>skip_ci</c>: its new head gets no pipeline.</summary>
    public bool RebaseSkipsCi { get; set; }

    public string? MergeError { get; set; }
    public List<SimVersion> Versions { get; } = [];
    public HashSet<long> ApprovedBy { get; } = [];
    public bool Draft => Title.StartsWith("Draft:", StringComparison.OrdinalIgnoreCase);

    public List<long> AssigneeIds { get; set; } = [];
    public List<long> ReviewerIds { get; set; } = [];
}

public sealed class SimNote
{
    public long Id { get; init; }
    public required string Body { get; set; }
    public long AuthorId { get; init; }
    public bool System { get; init; }
    public required string NoteableType { get; init; }
    public long NoteableId { get; init; }
    public long NoteableIid { get; init; }
    public long ProjectId { get; init; }
    public required string DiscussionId { get; init; }

    /// <summary>Posted as a plain note (its own one-note discussion) rather than as a thread.</summary>
    public bool Individual { get; init; }
    public JsonElement? Position { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Threads on merge requests can be resolved; plain notes and notes on issues cannot.</summary>
    public bool Resolvable => NoteableType == "MergeRequest" && !Individual;

    public long? ResolvedById { get; set; }
}

/// <summary>An award emoji (<c>thumbsup</c>, <c>eyes</c>, ...) a user gave a merge request, an issue or a note.</summary>
public sealed record SimAward(long Id, string Name, long UserId, string AwardableType, long AwardableId, DateTimeOffset CreatedAt);

public sealed class SimPipeline
{
    public long Id { get; init; }
    public long Iid { get; init; }
    public long ProjectId { get; init; }
    public required string Ref { get; init; }
    public required string Sha { get; init; }
    public string BeforeSha { get; init; } = new('0', 40);
    public required string Source { get; init; }
    public string Status { get; set; } = "created";
    public long UserId { get; init; }
    public long? MergeRequestIid { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public List<(string Key, string Value, string Type)> Variables { get; init; } = [];
    public List<SimJob> Jobs { get; } = [];

    /// <summary>Set on a child pipeline: the pipeline and bridge job that started it.</summary>
    public long? UpstreamPipelineId { get; init; }
    public long? UpstreamJobId { get; init; }

    public IEnumerable<SimJob> CurrentJobs => Jobs.Where(job => !job.Retried);
}

public sealed class SimJob
{
    public long Id { get; init; }
    public long PipelineId { get; init; }
    public long ProjectId { get; init; }
    public required string Name { get; init; }
    public required string Stage { get; init; }
    public int StageIndex { get; init; }
    public string Status { get; set; } = "created";

    /// <summary><c>on_success</c> or <c>manual</c>.</summary>
    public string When { get; init; } = "on_success";

    public bool AllowFailure { get; init; }
    public bool WillFail { get; set; }

    /// <summary>Why a content rule fails the job, written to its trace as a failing test would.</summary>
    public string? FailureCause { get; set; }
    public bool Retried { get; set; }
    public TimeSpan Duration { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? FailureReason { get; set; }
    public StringBuilder Trace { get; } = new();
    public int TraceSeconds { get; set; }
    public byte[]? Artifacts { get; set; }
    public string? Environment { get; init; }

    /// <summary>A trigger job: it runs no script; it starts a child pipeline and ends with the child's status.</summary>
    public bool IsBridge { get; init; }
    public long? DownstreamPipelineId { get; set; }
}

public sealed class SimEnvironment
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public required string Name { get; init; }
    public required string Slug { get; init; }
    public string State { get; set; } = "available";
    public string? ExternalUrl { get; init; }
    public string Tier { get; init; } = "production";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where a hook is registered: a project's hooks or a group's.</summary>
public sealed record SimHookOwner(List<SimHook> Hooks, long? ProjectId, long? GroupId)
{
    public static SimHookOwner Of(SimProject project) => new(project.Hooks, project.Id, null);

    public static SimHookOwner Of(SimGroup group) => new(group.Hooks, null, group.Id);
}

public sealed class SimHook
{
    public long Id { get; init; }

    /// <summary>Set on a project hook; <see cref="GroupId"/> on a group hook.</summary>
    public long? ProjectId { get; init; }
    public long? GroupId { get; init; }
    public required string Url { get; init; }
    public string? Token { get; init; }
    public bool PushEvents { get; init; } = true;
    public bool IssuesEvents { get; init; } = true;
    public bool MergeRequestsEvents { get; init; } = true;
    public bool NoteEvents { get; init; } = true;
    public bool PipelineEvents { get; init; } = true;
    public bool JobEvents { get; init; } = true;
    public bool EnableSslVerification { get; init; } = true;
    public Guid WebhookUuid { get; } = Guid.NewGuid();
    public DateTimeOffset CreatedAt { get; init; }

    public bool Wants(string objectKind) =>
        objectKind switch
        {
            "push" => PushEvents,
            "issue" => IssuesEvents,
            "merge_request" => MergeRequestsEvents,
            "note" => NoteEvents,
            "pipeline" => PipelineEvents,
            "build" => JobEvents,
            _ => false,
        };
}

/// <summary>A merge request's attributes before an update, to tell what the update changed (the hook's <c>changes</c>).</summary>
public sealed record MergeRequestSnapshot(
    string Title,
    string? Description,
    string TargetBranch,
    bool Draft,
    IReadOnlyList<string> Labels,
    IReadOnlyList<long> AssigneeIds,
    IReadOnlyList<long> ReviewerIds,
    string State,
    DateTimeOffset UpdatedAt
)
{
    public static MergeRequestSnapshot Of(SimMergeRequest mr) =>
        new(
            mr.Title,
            mr.Description,
            mr.TargetBranch,
            mr.Draft,
            [.. mr.Labels],
            [.. mr.AssigneeIds],
            [.. mr.ReviewerIds],
            mr.State,
            mr.UpdatedAt
        );
}
