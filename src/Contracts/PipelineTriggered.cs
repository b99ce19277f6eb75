namespace GitLabBus.Contracts;

/// <summary>
/// Someone asked for a pipeline on <see cref="Ref"/>: the pipelines consumer creates it in GitLab, completes the
/// operation with the pipeline's id and announces <see cref="PipelineCreated"/> (or fails the operation with GitLab's refusal).
/// </summary>
public record PipelineTriggered
{
    public string OperationId { get; init; } = "";
    public long ProjectId { get; init; }
    public string Ref { get; init; } = "";
    public IReadOnlyList<PipelineVariable> Variables { get; init; } = [];

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>A pipeline trigger token in the credential store: the pipeline is then created through GitLab's trigger API.</summary>
    public string? TriggerTokenRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>A CI/CD variable for the new pipeline; <see cref="VariableType"/> is <c>env_var</c> or <c>file</c>.</summary>
public record PipelineVariable(string Key, string Value, string VariableType = "env_var");
