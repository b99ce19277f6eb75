namespace GitLabBus.GitLab.Models;

/// <summary>One of a commit's <c>actions</c>: <c>create</c>, <c>update</c>, <c>delete</c>, <c>move</c> or <c>chmod</c> of a file.</summary>
public sealed record GitLabCommitAction(string Action, string FilePath)
{
    public string? Content { get; init; }

    /// <summary><c>text</c> (the default) or <c>base64</c>.</summary>
    public string? Encoding { get; init; }

    /// <summary>For <c>move</c>: where the file was.</summary>
    public string? PreviousPath { get; init; }

    /// <summary>The commit the change was made from: GitLab refuses the action (400) if the file changed since.</summary>
    public string? LastCommitId { get; init; }

    public bool? ExecuteFilemode { get; init; }

    public static GitLabCommitAction Create(string path, string content) => new("create", path) { Content = content };

    public static GitLabCommitAction Update(string path, string content) => new("update", path) { Content = content };

    public static GitLabCommitAction Delete(string path) => new("delete", path);
}

/// <summary>A commit through the API on <see cref="Branch"/>, made from <see cref="StartBranch"/> or <see cref="StartSha"/> when
/// the branch does not exist yet.</summary>
public sealed record NewGitLabCommit(string Branch, string CommitMessage, IReadOnlyList<GitLabCommitAction> Actions)
{
    public string? StartBranch { get; init; }

    public string? StartSha { get; init; }

    public string? AuthorName { get; init; }

    public string? AuthorEmail { get; init; }
}

public sealed record GitLabCommitStats(int Additions, int Deletions, int Total);

/// <summary>A file as <c>GET /repository/files/:path</c> gives it: <see cref="Content"/> is base64.</summary>
public sealed record GitLabFile(
    string FileName,
    string FilePath,
    long Size,
    string Encoding,
    string Content,
    string BlobId,
    string CommitId
)
{
    public string? Ref { get; init; }

    public string? LastCommitId { get; init; }

    public string? ContentSha256 { get; init; }

    public bool ExecuteFilemode { get; init; }

    public string Text() => Encoding == "base64" ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Content)) : Content;
}

/// <summary>One file written through the files API on <see cref="Branch"/>.</summary>
public sealed record GitLabFileChange(string Branch, string CommitMessage)
{
    public string? Content { get; init; }

    /// <summary><c>text</c> (the default) or <c>base64</c>.</summary>
    public string? Encoding { get; init; }

    public string? StartBranch { get; init; }

    public string? LastCommitId { get; init; }

    public string? AuthorName { get; init; }

    public string? AuthorEmail { get; init; }
}

public sealed record GitLabFileWritten(string FilePath, string Branch);

/// <summary>A tree entry: <see cref="Type"/> is <c>tree</c> (a folder) or <c>blob</c> (a file).</summary>
public sealed record GitLabTreeEntry(string Id, string Name, string Type, string Path, string Mode);

/// <summary>What <c>GET /repository/compare</c> answers: the commits from <c>from</c> to <c>to</c> (oldest first) and the diff.</summary>
public sealed record GitLabComparison(GitLabCommit? Commit)
{
    public IReadOnlyList<GitLabCommit> Commits { get; init; } = [];

    public IReadOnlyList<GitLabDiff> Diffs { get; init; } = [];

    public bool CompareSameRef { get; init; }

    public string? WebUrl { get; init; }
}

/// <summary>A cherry-pick's dry run that would succeed.</summary>
public sealed record GitLabDryRun(string DryRun);

/// <summary>A merge request's merge ref: the commit of merging its head into its target's head as GitLab last made it.</summary>
public sealed record GitLabMergeRef(string CommitId);
