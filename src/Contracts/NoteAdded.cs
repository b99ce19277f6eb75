namespace GitLabBus.Contracts;

/// <summary>A comment was added to a merge request, issue, commit or snippet.</summary>
public record NoteAdded
{
    public Guid DeliveryId { get; init; }
    public long ProjectId { get; init; }
    public long NoteId { get; init; }

    /// <summary>GitLab's <c>noteable_type</c>: <c>MergeRequest</c>, <c>Issue</c>, <c>Commit</c>, <c>Snippet</c>.</summary>
    public string NoteableType { get; init; } = "";
    public string Note { get; init; } = "";
    public bool System { get; init; }
    public string? AuthorUsername { get; init; }

    /// <summary>The note's author by GitLab user id: what access checks and "our own note" go by.</summary>
    public long? AuthorId { get; init; }
    public long? MergeRequestIid { get; init; }

    /// <summary>The thread the note is in (GitLab's <c>discussion_id</c>): an answer to a command is a reply there.</summary>
    public string? DiscussionId { get; init; }
    public long? IssueIid { get; init; }
    public string? CommitSha { get; init; }

    /// <summary>Set when the note starts with a slash command such as <c>/review</c> or <c>/merge now</c>.</summary>
    public SlashCommand? Command { get; init; }
    public string? Url { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A slash command at the start of a note: <c>/merge --squash</c> is name <c>merge</c>, arguments <c>--squash</c>.</summary>
public record SlashCommand(string Name, string Arguments);
