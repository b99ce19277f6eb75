namespace GitLabBus.Contracts;

/// <summary>
/// One page of a project's backlog: the epics of its group (the nearest ancestor with epics) then its issues,
/// filtered by GitLab. Answered with <see cref="BacklogPage"/> or <see cref="RequestRefused"/>.
/// </summary>
public record BacklogQuery
{
    /// <summary>A numeric id or a URL-encoded path, as GitLab's <c>:id</c> takes.</summary>
    public string ProjectId { get; init; } = "";
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary><c>opened</c>, <c>closed</c> or <c>all</c>.</summary>
    public string State { get; init; } = "opened";
    public string? Search { get; init; }
    public int Page { get; init; } = 1;
    public int PerPage { get; init; } = 20;
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>The gitlab_client_service contract's <c>ListResponse&lt;GitLabWorkItem&gt;</c>, and whether the project's groups have epics at
/// all.</summary>
public record BacklogPage(
    IReadOnlyList<BacklogWorkItem> Items,
    int Page,
    int PerPage,
    int? NextPage,
    int? PrevPage,
    int? Total,
    bool EpicsDisabled
);

/// <summary>
/// The gitlab_client_service contract's <c>GitLabWorkItem</c>: <see cref="Kind"/> <c>epic</c> or <c>issue</c>, GitLab's id and iid as
/// strings,
/// <see cref="TitleEmbedding"/> from the embedding cache (null when not cached).
/// </summary>
public record BacklogWorkItem(
    string Kind,
    string Id,
    string Iid,
    string Title,
    string Description,
    string State,
    IReadOnlyList<string> Labels,
    string WebUrl,
    IReadOnlyList<float>? TitleEmbedding
);
