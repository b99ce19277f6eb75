namespace GitLabBus.Contracts;

/// <summary>
/// A merge request asks to enter its target branch's merge queue (CONTRACT 7): from its label, a <c>/merge</c> note, the
/// REST API, the watcher, or any other system publishing it raw. Admission checks it against GitLab before it is queued.
/// </summary>
public record MrReadyForBatch
{
    public long ProjectId { get; init; }
    public long MergeRequestIid { get; init; }

    /// <summary>Higher lands first; anything above 0 is set by a priority manager.</summary>
    public int Priority { get; init; }

    /// <summary>Who asked (a GitLab username or our user), for the queue's history.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>How it came: one of <see cref="MergeQueueSources"/>.</summary>
    public string Source { get; init; } = MergeQueueSources.Bus;

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>Set by the REST API: admission completes the operation (admitted) or fails it with the reasons.</summary>
    public string? OperationId { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>The ways into the merge queue.</summary>
public static class MergeQueueSources
{
    public const string Label = "label";
    public const string Note = "note";
    public const string Rest = "rest";
    public const string Watcher = "watcher";
    public const string Bus = "bus";

    /// <summary>
    /// The queue itself, checking a merge request again: one whose head moved while it waited, or one waiting as Not Ready
    /// that someone changed or whose pipeline passed.
    /// </summary>
    public const string Queue = "queue";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Label,
        Note,
        Rest,
        Watcher,
        Bus,
        Queue,
    };
}

/// <summary>What a <see cref="MrReadyForBatch"/> must hold, for the gateway (400) and for a raw message (<c>_error</c>).</summary>
public static class MrReadyForBatchRules
{
    public const int MaxPriority = 1_000;

    public static string? Problem(MrReadyForBatch request) =>
        request.ProjectId <= 0 ? "project_id must be a positive GitLab project id"
        : request.MergeRequestIid <= 0 ? "merge_request_iid must be a positive merge request iid"
        : request.Priority is < 0 or > MaxPriority ? $"priority must be 0 to {MaxPriority}"
        : !MergeQueueSources.All.Contains(request.Source) ? $"source must be one of {string.Join(", ", MergeQueueSources.All)}"
        : request.RequestedBy is { Length: > 255 } ? "requested_by must be at most 255 characters"
        : request.OrgId is { } org && !OrgScope.IsValidId(org) ? $"org_id must be {OrgScope.IdRule}"
        : null;
}
