namespace GitLabBus.GitLab.Models;

public sealed record GitLabMergeRequest(
    long Id,
    long Iid,
    long ProjectId,
    string Title,
    string State,
    string SourceBranch,
    string TargetBranch,
    string WebUrl
)
{
    public string? Description { get; init; }

    public string? Sha { get; init; }

    public string? MergeCommitSha { get; init; }

    public string? SquashCommitSha { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public string? MergeStatus { get; init; }

    public string? DetailedMergeStatus { get; init; }

    public bool HasConflicts { get; init; }

    public bool? RebaseInProgress { get; init; }

    public string? MergeError { get; init; }

    public bool Draft { get; init; }

    public GitLabUser? Author { get; init; }

    public IReadOnlyList<GitLabUser> Assignees { get; init; } = [];

    public IReadOnlyList<GitLabUser> Reviewers { get; init; } = [];

    public GitLabDiffRefs? DiffRefs { get; init; }

    public GitLabPipelineSummary? HeadPipeline { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? MergedAt { get; init; }
}

public sealed record GitLabDiffRefs(string BaseSha, string HeadSha, string StartSha);

public sealed record GitLabDiff(string OldPath, string NewPath, string Diff)
{
    public string? AMode { get; init; }

    public string? BMode { get; init; }

    public bool NewFile { get; init; }

    public bool RenamedFile { get; init; }

    public bool DeletedFile { get; init; }

    public bool GeneratedFile { get; init; }
}

public sealed record GitLabMergeRequestChanges(long Id, long Iid, string Title, string State)
{
    public IReadOnlyList<GitLabDiff> Changes { get; init; } = [];
}

public sealed record GitLabMergeRequestVersion(long Id, string HeadCommitSha, string BaseCommitSha, string StartCommitSha, string State)
{
    public long MergeRequestId { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
}

public sealed record GitLabApprovals(long Id, long Iid, bool Approved)
{
    public int ApprovalsRequired { get; init; }

    public int ApprovalsLeft { get; init; }

    public IReadOnlyList<GitLabApprover> ApprovedBy { get; init; } = [];
}

public sealed record GitLabApprover(GitLabUser User);

public sealed record NewGitLabMergeRequest(string SourceBranch, string TargetBranch, string Title)
{
    public string? Description { get; init; }

    public string? Labels { get; init; }

    public bool? RemoveSourceBranch { get; init; }
}

public sealed record GitLabMergeRequestUpdate
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Labels { get; init; }

    public string? AddLabels { get; init; }

    public string? RemoveLabels { get; init; }

    /// <summary><c>close</c> or <c>reopen</c>.</summary>
    public string? StateEvent { get; init; }

    public string? TargetBranch { get; init; }

    /// <summary>Replaces the assignees (empty clears them); null leaves them.</summary>
    public IReadOnlyList<long>? AssigneeIds { get; init; }

    /// <summary>Replaces the reviewers (empty clears them); null leaves them.</summary>
    public IReadOnlyList<long>? ReviewerIds { get; init; }
}

/// <summary>Merge only if the head is still <see cref="Sha"/> (GitLab answers 409 otherwise).</summary>
public sealed record GitLabMergeOptions
{
    public string? Sha { get; init; }

    public bool? Squash { get; init; }

    public bool? ShouldRemoveSourceBranch { get; init; }

    public string? MergeCommitMessage { get; init; }

    public string? SquashCommitMessage { get; init; }

    /// <summary>Merge when the pipeline succeeds (GitLab 17.11+ name).</summary>
    public bool? AutoMerge { get; init; }
}

public sealed record GitLabRebaseAccepted(bool RebaseInProgress);

public sealed record GitLabNote(long Id, string Body, bool System)
{
    public GitLabUser? Author { get; init; }

    public string? NoteableType { get; init; }

    public long? NoteableId { get; init; }

    public long? NoteableIid { get; init; }

    public GitLabPosition? Position { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>A note of a thread on a merge request, which can be resolved (plain notes cannot).</summary>
    public bool Resolvable { get; init; }

    public bool Resolved { get; init; }
}

/// <summary>An award emoji: its name (<c>eyes</c>, <c>thumbsup</c>, ...) and who gave it.</summary>
public sealed record GitLabAwardEmoji(long Id, string Name, GitLabUser User)
{
    public long? AwardableId { get; init; }

    public string? AwardableType { get; init; }
}

public sealed record GitLabDiscussion(string Id, bool IndividualNote, IReadOnlyList<GitLabNote> Notes);

/// <summary>Where an inline comment sits: the three shas from the MR's latest version, both paths, and a line.</summary>
public sealed record GitLabPosition(string BaseSha, string StartSha, string HeadSha, string PositionType, string OldPath, string NewPath)
{
    public int? NewLine { get; init; }

    public int? OldLine { get; init; }
}

public sealed record NewGitLabDiscussion(string Body)
{
    public GitLabPosition? Position { get; init; }
}

public sealed record GitLabBranch(string Name, GitLabCommit Commit)
{
    public bool Merged { get; init; }

    public bool Protected { get; init; }

    public bool Default { get; init; }

    public string? WebUrl { get; init; }
}

public sealed record GitLabCommit(string Id, string ShortId, string Title)
{
    public string? Message { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public IReadOnlyList<string> ParentIds { get; init; } = [];

    public string? AuthorName { get; init; }

    public string? AuthorEmail { get; init; }

    public DateTimeOffset? CommittedDate { get; init; }

    public string? WebUrl { get; init; }

    /// <summary>Set by <c>GET /repository/commits/:sha</c> and on new commits.</summary>
    public GitLabCommitStats? Stats { get; init; }

    /// <summary>The status of the commit's last pipeline, when it has one.</summary>
    public string? Status { get; init; }
}
