namespace GitLabBus.Simulator.Git;

/// <summary>
/// One of a commit's <c>actions</c> as GitLab's commits API takes them: <c>create</c>, <c>update</c>, <c>delete</c>, <c>move</c>
/// or <c>chmod</c> of <see cref="FilePath"/>, with content as text or base64.
/// </summary>
public sealed record FileAction(
    string Action,
    string FilePath,
    string? PreviousPath = null,
    string? Content = null,
    bool Base64 = false,
    bool? ExecuteFilemode = null,
    string? LastCommitId = null
)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "create",
        "update",
        "delete",
        "move",
        "chmod",
    };

    public byte[] Bytes() =>
        Content is null ? []
        : Base64 ? Convert.FromBase64String(Content)
        : System.Text.Encoding.UTF8.GetBytes(Content);
}

/// <summary>GitLab refused a commit (a file that exists already or not at all, content changed meanwhile): its 400 message.</summary>
public sealed class CommitRefusedException(string message) : Exception(message);

/// <summary>One file of a diff as GitLab's diff entries carry it: paths, modes, what happened to it and the unified diff text.</summary>
public sealed record FileChange(
    string OldPath,
    string NewPath,
    string AMode,
    string BMode,
    bool NewFile,
    bool RenamedFile,
    bool DeletedFile,
    string Diff,
    int Additions,
    int Deletions
);

/// <summary>Why a cherry-pick gave no commit: GitLab's <c>error_code</c> values.</summary>
public enum CherryPickFailure
{
    None,
    Conflict,
    Empty,
}
