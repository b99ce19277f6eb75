namespace GitLabBus.Contracts;

/// <summary>Which GitLab project a path (<c>group/sub/project</c>) names. Answered with <see cref="ResolvedProject"/> or
/// <see cref="RequestRefused"/>.</summary>
public record ProjectResolveQuery
{
    public string Path { get; init; } = "";
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>The gitlab_client_service contract's <c>ResolveProjectResponse</c>.</summary>
public record ResolvedProject(string ProjectId, string Path, string Name, string WebUrl);
