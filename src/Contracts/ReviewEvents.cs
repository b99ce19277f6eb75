namespace GitLabBus.Contracts;

/// <summary>A finding as GitLab shows it: inline (<see cref="DiscussionId"/>) or in the summary (null).</summary>
public record ReviewFindingView(string Path, int? Line, string Side, string Severity, string Rule, string Message, string? DiscussionId);

/// <summary>A file the review did not read, and why.</summary>
public record ReviewSkippedFile(string Path, string Reason);

/// <summary>The latest review of a merge request, as <c>GET .../review</c> answers it (CONTRACT 8).</summary>
public record ReviewView
{
    public long ProjectId { get; init; }
    public long MergeRequestIid { get; init; }
    public string HeadSha { get; init; } = "";
    public string Provider { get; init; } = "";
    public DateTimeOffset ReviewedAt { get; init; }

    /// <summary>The summary note's text as posted.</summary>
    public string Summary { get; init; } = "";
    public IReadOnlyList<ReviewFindingView> Findings { get; init; } = [];
    public IReadOnlyList<ReviewSkippedFile> SkippedFiles { get; init; } = [];
    public long NoteId { get; init; }
}

/// <summary>A review posted on GitLab (its summary, its inline findings).</summary>
public record ReviewCompleted
{
    public long ProjectId { get; init; }
    public long MergeRequestIid { get; init; }
    public string Command { get; init; } = ReviewCommands.Review;
    public string HeadSha { get; init; } = "";
    public string Provider { get; init; } = "";
    public int Findings { get; init; }
    public int Posted { get; init; }
    public long? NoteId { get; init; }
    public string? OperationId { get; init; }
    public double DurationSeconds { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A review that did not complete: <see cref="Code"/> is one of <see cref="ErrorCodes"/> (<c>review_unavailable</c>
/// when the LLM provider failed; what the rules found is posted all the same).</summary>
public record ReviewFailed
{
    public long ProjectId { get; init; }
    public long MergeRequestIid { get; init; }
    public string Command { get; init; } = ReviewCommands.Review;
    public string? HeadSha { get; init; }
    public string Code { get; init; } = "";
    public string Message { get; init; } = "";
    public string? OperationId { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>
/// The gateway asks the consumers for a merge request's latest review: <see cref="ReviewView"/>, or <see cref="RequestRefused"/>
/// (404) before the first.
/// </summary>
/// <param name="OrgId">The organisation whose GitLab the merge request is at; null for the served GitLab.</param>
public record ReviewQuery(long ProjectId, long MergeRequestIid, string? OrgId = null);
