namespace GitLabBus.Contracts;

/// <summary>An issue (or other work item) was opened, updated, closed or reopened.</summary>
public record IssueChanged
{
    public Guid DeliveryId { get; init; }
    public long ProjectId { get; init; }
    public long IssueId { get; init; }
    public long IssueIid { get; init; }

    /// <summary><c>issue</c> or <c>work_item</c> (GitLab's <c>object_kind</c>).</summary>
    public string Kind { get; init; } = "";
    public string Action { get; init; } = "";
    public string State { get; init; } = "";
    public string Title { get; init; } = "";
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? Url { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}
