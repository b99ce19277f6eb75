namespace GitLabBus.GitLab.Models;

public sealed record GitLabEpic(long Id, long Iid, long GroupId, string Title, string State, string WebUrl)
{
    public string? Description { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public long? ParentId { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}

public sealed record GitLabIssue(long Id, long Iid, long ProjectId, string Title, string State, string WebUrl)
{
    public string? Description { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public GitLabEpicReference? Epic { get; init; }

    public long? EpicIid { get; init; }

    public GitLabUser? Author { get; init; }

    public IReadOnlyList<GitLabUser> Assignees { get; init; } = [];

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }
}

public sealed record GitLabEpicReference(long Id, long Iid, string Title, long GroupId)
{
    public string? Url { get; init; }
}

/// <summary>Filters of the issue and epic lists; null means "not filtered".</summary>
public sealed record WorkItemFilter
{
    /// <summary><c>opened</c>, <c>closed</c> or <c>all</c>.</summary>
    public string? State { get; init; }

    /// <summary>Items carrying every one of these labels.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public string? Search { get; init; }

    /// <summary>Merge requests only: those from this branch.</summary>
    public string? SourceBranch { get; init; }

    /// <summary>Merge requests only: those into this branch.</summary>
    public string? TargetBranch { get; init; }

    internal string Query() =>
        string.Join(
            '&',
            new[]
            {
                State is { Length: > 0 } state ? $"state={Uri.EscapeDataString(state)}" : null,
                Labels is { Count: > 0 } labels ? $"labels={Uri.EscapeDataString(string.Join(',', labels))}" : null,
                Search is { Length: > 0 } search ? $"search={Uri.EscapeDataString(search)}" : null,
                SourceBranch is { Length: > 0 } source ? $"source_branch={Uri.EscapeDataString(source)}" : null,
                TargetBranch is { Length: > 0 } target ? $"target_branch={Uri.EscapeDataString(target)}" : null,
            }.Where(part => part is not null)
        );
}

public sealed record NewGitLabIssue(string Title)
{
    public string? Description { get; init; }

    /// <summary>Comma-separated, as GitLab takes them.</summary>
    public string? Labels { get; init; }

    public long? EpicId { get; init; }
}

/// <summary>Only the fields set are changed; <see cref="StateEvent"/> is <c>close</c> or <c>reopen</c>.</summary>
public sealed record GitLabIssueUpdate
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Labels { get; init; }

    public string? AddLabels { get; init; }

    public string? RemoveLabels { get; init; }

    public string? StateEvent { get; init; }

    public long? EpicId { get; init; }
}

public sealed record NewGitLabEpic(string Title)
{
    public string? Description { get; init; }

    public string? Labels { get; init; }

    public long? ParentId { get; init; }
}

public sealed record GitLabEpicUpdate
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Labels { get; init; }

    public string? AddLabels { get; init; }

    public string? RemoveLabels { get; init; }

    public string? StateEvent { get; init; }
}

/// <summary>The answer to linking an issue to an epic.</summary>
public sealed record GitLabEpicIssueLink(long Id, GitLabEpic Epic, GitLabIssue Issue);
