namespace GitLabBus.GitLab.Models;

public sealed record GitLabPipelineSummary(long Id, long ProjectId, string Status, string Ref, string Sha, string WebUrl)
{
    public long? Iid { get; init; }

    public string? Source { get; init; }
}

public sealed record GitLabPipeline(long Id, long ProjectId, string Status, string Ref, string Sha, string WebUrl)
{
    public long? Iid { get; init; }

    public string? Source { get; init; }

    public string? BeforeSha { get; init; }

    public bool Tag { get; init; }

    public GitLabUser? User { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public double? Duration { get; init; }

    public double? QueuedDuration { get; init; }
}

/// <summary><see cref="VariableType"/> is <c>env_var</c> or <c>file</c>.</summary>
public sealed record GitLabPipelineVariable(string Key, string Value, string VariableType = "env_var");

public sealed record NewGitLabPipeline(string Ref)
{
    public IReadOnlyList<GitLabPipelineVariable>? Variables { get; init; }
}

public sealed record GitLabJob(long Id, string Name, string Stage, string Status, string Ref, string WebUrl)
{
    public bool AllowFailure { get; init; }

    public bool Tag { get; init; }

    public string? When { get; init; }

    public string? FailureReason { get; init; }

    public GitLabPipelineSummary? Pipeline { get; init; }

    public IReadOnlyList<GitLabJobArtifact> Artifacts { get; init; } = [];

    public GitLabJobArtifactsFile? ArtifactsFile { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public double? Duration { get; init; }

    public double? QueuedDuration { get; init; }
}

public sealed record GitLabJobArtifact(string FileType, long Size, string Filename)
{
    public string? FileFormat { get; init; }
}

public sealed record GitLabJobArtifactsFile(string Filename, long Size);

/// <summary>A trigger job: its downstream pipeline, once created, is followed like any other.</summary>
public sealed record GitLabBridge(long Id, string Name, string Stage, string Status, string WebUrl)
{
    public GitLabPipelineSummary? Pipeline { get; init; }

    public GitLabPipelineSummary? DownstreamPipeline { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}

public sealed record GitLabEnvironment(long Id, string Name, string Slug, string State)
{
    public string? ExternalUrl { get; init; }

    public string? Tier { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A job's log: the new part from <see cref="Offset"/>, where the next read starts, and whether the job is done.</summary>
public sealed record GitLabTrace(string Text, long Offset, long NextOffset, bool Complete);

/// <summary>GitLab's pipeline statuses that no longer change (anything else may still start or run jobs).</summary>
public static class GitLabPipelineStatuses
{
    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal) { "success", "failed", "canceled", "skipped" };

    public static bool IsFinished(string status) => Finished.Contains(status);
}
