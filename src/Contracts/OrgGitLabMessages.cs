namespace GitLabBus.Contracts;

/// <summary>
/// Whether an organisation's GitLab takes its token: GitLab's <c>/user</c> asked with it, at the organisation's address.
/// Answered with <see cref="OrgGitLabValidated"/> (an answer also when GitLab refuses the token) or <see cref="RequestRefused"/>
/// (no such organisation).
/// </summary>
public record OrgGitLabValidateQuery(string OrgId);

/// <param name="Reason">Why not, in GitLab's words, when not valid.</param>
public record OrgGitLabValidated(bool Valid, string? Username, string? Reason);

/// <summary>
/// Whether an organisation's GitLab may be called where it is: its host resolves to an address outbound calls may go to
/// (public, unless private networks are allowed). Asked before its configuration is kept; answered with
/// <see cref="OrgGitLabAddressChecked"/>.
/// </summary>
public record OrgGitLabAddressQuery(string Host);

public record OrgGitLabAddressChecked(bool Reachable);

/// <summary>
/// Links a task of an organisation to an issue or a merge request of its GitLab, named by <see cref="Url"/> or by
/// <see cref="ProjectPath"/>, <see cref="GitlabIid"/> and <see cref="Kind"/> (<c>issue</c>, <c>merge_request</c>); the
/// consumers read its metadata from that GitLab. The same item on the same task is linked once. Answered with
/// <see cref="TaskLink"/> or <see cref="RequestRefused"/>.
/// </summary>
public record TaskLinkAddRequested
{
    public required string OrgId { get; init; }
    public required string TaskId { get; init; }
    public string? Url { get; init; }
    public string? ProjectPath { get; init; }
    public long? GitlabIid { get; init; }
    public string? Kind { get; init; }
}

/// <summary>A task's links; answered with <see cref="TaskLinkList"/>.</summary>
public record TaskLinksQuery(string OrgId, string TaskId);

/// <summary>Removes one link; answered with <see cref="TaskLinkRemoved"/>.</summary>
public record TaskLinkRemoveRequested(string OrgId, string TaskId, string LinkId);

public record TaskLinkRemoved(bool Removed);

public record TaskLinkList(IReadOnlyList<TaskLink> Links);

/// <summary>A task's link to an issue or merge request, with the metadata last read from GitLab (or from its hook).</summary>
public record TaskLink
{
    public const string Issue = "issue";
    public const string MergeRequest = "merge_request";

    public required string LinkId { get; init; }
    public required string OrgId { get; init; }
    public required string TaskId { get; init; }
    public required string Kind { get; init; }
    public required string ProjectPath { get; init; }
    public required long GitlabIid { get; init; }
    public required string WebUrl { get; init; }
    public required string Title { get; init; }
    public required string State { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<string> Assignees { get; init; } = [];
    public required DateTimeOffset RefreshedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
