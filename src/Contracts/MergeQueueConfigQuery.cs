namespace GitLabBus.Contracts;

/// <summary>A project's merge queue settings, asked over the bus: answered <see cref="MergeQueueConfigAnswer"/> or refused.</summary>
public record MergeQueueConfigQuery
{
    public long ProjectId { get; init; }
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>New settings for a project's merge queue, checked by <see cref="MergeQueueConfigRules"/>; answered with what is kept.</summary>
public record MergeQueueConfigChangeRequested
{
    public long ProjectId { get; init; }
    public MergeQueueConfig Config { get; init; } = MergeQueueConfig.Default;
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

public record MergeQueueConfigAnswer
{
    public long ProjectId { get; init; }
    public MergeQueueConfig Config { get; init; } = MergeQueueConfig.Default;
}
