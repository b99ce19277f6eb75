namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// What makes two applies the same: the project (as named in the request, unescaped and lower-cased, within its organisation
/// when it is an organisation's) and the prompt. A prompt id names one generated backlog; the same prompt with other content is
/// still the same apply.
/// </summary>
public sealed record BacklogApplyKey
{
    public BacklogApplyKey(string projectId, string promptId, string? orgId = null)
    {
        ProjectId = Contracts.ProjectNames.Canonical(projectId);
        PromptId = promptId;
        OrgId = orgId;
    }

    public string ProjectId { get; }

    public string PromptId { get; }

    public string? OrgId { get; }

    /// <summary>The Redis key of the claim; item records and step attempts hang below it.</summary>
    public string RedisKey => Contracts.OrgScope.Key(OrgId, $"gitlabbus:backlog:apply:{ProjectId}:{PromptId}");

    /// <summary>The lease a step of <paramref name="scope"/> holds while it writes.</summary>
    public string LeaseName(string scope) => Contracts.OrgScope.Name(OrgId, $"backlog-apply:{ProjectId}:{PromptId}:{scope}");
}

/// <summary>Who holds a prompt: the operation applying it, and its answer once it finished.</summary>
public sealed record BacklogApplyClaim(string OperationId, Contracts.BacklogApplied? Response);

/// <summary>What a step did with one input item, recorded as soon as GitLab answered, so a redelivery does not do it again.</summary>
public sealed record BacklogItemRecord(
    int InputIndex,
    Contracts.BacklogItemResult? Result,
    Contracts.BacklogItemError? Error,
    IReadOnlyList<Contracts.BacklogItemWarning> Warnings
);
