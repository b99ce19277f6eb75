namespace GitLabBus.Contracts;

/// <summary>
/// A merge request asks for a review (CONTRACT 8): from its hook (opened, reopened, new commits, ready), a command note,
/// the REST API, the poller, or any other system publishing it raw. The same (merge request, head, command, note) is done
/// once however often it is asked.
/// </summary>
public record ReviewRequested
{
    public long ProjectId { get; init; }
    public long MergeRequestIid { get; init; }

    /// <summary>One of <see cref="ReviewCommands"/>.</summary>
    public string Command { get; init; } = ReviewCommands.Review;

    /// <summary>The question of an <c>/ask</c>.</summary>
    public string? Question { get; init; }

    /// <summary>The head the request is about, when the trigger knew it; a newer head on the merge request supersedes it.</summary>
    public string? HeadSha { get; init; }

    /// <summary>The command's note: it gets an award when picked up, and an <c>/ask</c> is answered in its thread.</summary>
    public long? NoteId { get; init; }

    /// <summary>The command note's thread (GitLab's <c>discussion_id</c>).</summary>
    public string? DiscussionId { get; init; }

    /// <summary>A command or a REST call asks again even for a head already reviewed; a hook or the poller does not.</summary>
    public bool Again { get; init; }

    /// <summary>How it came: one of <see cref="ReviewSources"/>.</summary>
    public string Source { get; init; } = ReviewSources.Bus;

    /// <summary>Who asked (a GitLab username or our user), for the logs.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Set by the REST API: the review reports its progress there.</summary>
    public string? OperationId { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

public static class ReviewCommands
{
    public const string Review = "review";
    public const string Describe = "describe";
    public const string Ask = "ask";
    public const string Help = "help";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Review, Describe, Ask, Help };
}

public static class ReviewSources
{
    public const string Hook = "hook";
    public const string Note = "note";
    public const string Rest = "rest";
    public const string Poller = "poller";
    public const string Bus = "bus";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Hook, Note, Rest, Poller, Bus };
}

/// <summary>What a <see cref="ReviewRequested"/> must hold, for the gateway (400) and for a raw message (<c>_error</c>).</summary>
public static class ReviewRequestedRules
{
    public const int MaxQuestionLength = 2_000;

    public static string? Problem(ReviewRequested request) =>
        request.ProjectId <= 0 ? "project_id must be a positive GitLab project id"
        : request.MergeRequestIid <= 0 ? "merge_request_iid must be a positive merge request iid"
        : !ReviewCommands.All.Contains(request.Command) ? $"command must be one of {string.Join(", ", ReviewCommands.All)}"
        : request.Command == ReviewCommands.Ask && string.IsNullOrWhiteSpace(request.Question) ? "an ask needs a question"
        : request.Question is { Length: > MaxQuestionLength } ? $"question must be at most {MaxQuestionLength} characters"
        : request.HeadSha is { } sha && !IsSha(sha) ? "head_sha must be a commit sha (hexadecimal, 7 to 64 characters)"
        : !ReviewSources.All.Contains(request.Source) ? $"source must be one of {string.Join(", ", ReviewSources.All)}"
        : request.RequestedBy is { Length: > 255 } ? "requested_by must be at most 255 characters"
        : request.OrgId is { } org && !OrgScope.IsValidId(org) ? $"org_id must be {OrgScope.IdRule}"
        : null;

    private static bool IsSha(string sha) => sha.Length is >= 7 and <= 64 && sha.All(Uri.IsHexDigit);
}
