namespace GitLabBus.Contracts;

/// <summary>
/// The gateway's read of a pipeline, answered by the pipelines consumers (the gateway never calls GitLab itself) with
/// <see cref="GitLabResource"/> or <see cref="RequestRefused"/>.
/// </summary>
public record PipelineQuery
{
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A pipeline's jobs, as GitLab lists them; answered like <see cref="PipelineQuery"/>.</summary>
public record PipelineJobsQuery
{
    public long ProjectId { get; init; }
    public long PipelineId { get; init; }
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A project's environments; answered like <see cref="PipelineQuery"/>.</summary>
public record EnvironmentsQuery
{
    public long ProjectId { get; init; }
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}
