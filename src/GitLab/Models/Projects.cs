namespace GitLabBus.GitLab.Models;

public sealed record GitLabVersion(string Version, string Revision);

public sealed record GitLabUser(long Id, string Username, string Name)
{
    public string? State { get; init; }

    public string? WebUrl { get; init; }
}

public sealed record GitLabNamespace(long Id, string Name, string Path, string Kind, string FullPath)
{
    public long? ParentId { get; init; }
}

public sealed record GitLabProject(long Id, string Name, string Path, string PathWithNamespace, string WebUrl)
{
    public string? Description { get; init; }

    public string? DefaultBranch { get; init; }

    public GitLabNamespace? Namespace { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? LastActivityAt { get; init; }

    /// <summary><c>merge</c>, <c>rebase_merge</c> or <c>ff</c>: the last two need a merge request up to date with its target.</summary>
    public string? MergeMethod { get; init; }

    public bool OnlyAllowMergeIfPipelineSucceeds { get; init; }

    public bool AllowMergeOnSkippedPipeline { get; init; }

    public string? SquashOption { get; init; }
}

/// <summary>The project settings a merge queue reads and may set (<c>PUT /projects/:id</c>); null leaves one as it is.</summary>
public sealed record GitLabProjectSettings
{
    public string? MergeMethod { get; init; }

    public bool? OnlyAllowMergeIfPipelineSucceeds { get; init; }

    public bool? AllowMergeOnSkippedPipeline { get; init; }

    public string? SquashOption { get; init; }
}

public sealed record GitLabGroup(long Id, string Name, string Path, string FullPath, string WebUrl)
{
    public long? ParentId { get; init; }

    public string? Description { get; init; }
}

public sealed record GitLabLabel(long Id, string Name, string Color)
{
    public string? Description { get; init; }
}

public sealed record NewGitLabLabel(string Name, string Color, string? Description = null);

public sealed record GitLabHook(long Id, string Url)
{
    public long? ProjectId { get; init; }

    public bool PushEvents { get; init; }

    public bool IssuesEvents { get; init; }

    public bool MergeRequestsEvents { get; init; }

    public bool NoteEvents { get; init; }

    public bool PipelineEvents { get; init; }

    public bool JobEvents { get; init; }

    public bool EnableSslVerification { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A project hook to register; <see cref="Token"/> is sent to GitLab and never read back (GitLab does not return it).</summary>
public sealed record NewGitLabHook(string Url)
{
    public string? Token { get; init; }

    public bool PushEvents { get; init; } = true;

    public bool IssuesEvents { get; init; } = true;

    public bool MergeRequestsEvents { get; init; } = true;

    public bool NoteEvents { get; init; } = true;

    public bool PipelineEvents { get; init; } = true;

    public bool JobEvents { get; init; } = true;

    public bool EnableSslVerification { get; init; } = true;

    public override string ToString() => $"NewGitLabHook {{ Url = {Url}, Token = {(Token is null ? "none" : "[redacted]")} }}";
}
