namespace GitLabBus.Contracts;

/// <summary>
/// The projects a caller of the gateway may see: those of <see cref="ProjectIds"/> GitLab knows, or, when null, every
/// project the service's GitLab user is a member of (up to <see cref="MaxProjects"/>). Answered with
/// <see cref="ProjectList"/> or <see cref="RequestRefused"/>.
/// </summary>
public record ProjectListQuery
{
    public const int MaxProjects = 1_000;

    public IReadOnlyList<long>? ProjectIds { get; init; }
    public string? CredentialRef { get; init; }
}

/// <param name="Truncated">More projects than <see cref="ProjectListQuery.MaxProjects"/> were there.</param>
public record ProjectList(IReadOnlyList<ListedProject> Projects, bool Truncated);

public record ListedProject(long Id, string Name, string PathWithNamespace, string WebUrl);
