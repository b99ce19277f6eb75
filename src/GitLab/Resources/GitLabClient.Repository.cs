using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

/// <summary>
/// The repository through GitLab's API (the services never clone): branches, commits with actions, files, the tree,
/// cherry-picks and compare.
/// </summary>
public sealed partial class GitLabClient
{
    public Task<GitLabBranch> GetBranchAsync(ProjectRef project, string branch, CancellationToken cancellationToken) =>
        GetAsync<GitLabBranch>($"projects/{project.Encoded}/repository/branches/{Uri.EscapeDataString(branch)}", cancellationToken);

    public Task<GitLabBranch> CreateBranchAsync(ProjectRef project, string branch, string fromRef, CancellationToken cancellationToken) =>
        PostAsync<GitLabBranch>($"projects/{project.Encoded}/repository/branches", new { branch, @ref = fromRef }, cancellationToken);

    public Task DeleteBranchAsync(ProjectRef project, string branch, CancellationToken cancellationToken) =>
        DeleteAsync($"projects/{project.Encoded}/repository/branches/{Uri.EscapeDataString(branch)}", cancellationToken);

    public IAsyncEnumerable<GitLabBranch> ListBranchesAsync(ProjectRef project, string? search, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabBranch>(
            Query($"projects/{project.Encoded}/repository/branches", search is null ? "" : "search=" + Uri.EscapeDataString(search)),
            cancellationToken
        );

    /// <summary>One commit of every action; <see cref="GitLabErrorKind.Validation"/> (400) when an action does not fit the
    /// branch (a file that exists already or not at all, changed since <see cref="GitLabCommitAction.LastCommitId"/>).</summary>
    public Task<GitLabCommit> CreateCommitAsync(ProjectRef project, NewGitLabCommit commit, CancellationToken cancellationToken) =>
        PostAsync<GitLabCommit>($"projects/{project.Encoded}/repository/commits", commit, cancellationToken);

    /// <summary>A commit by sha (or a branch's head by its name), with its stats.</summary>
    public Task<GitLabCommit> GetCommitAsync(ProjectRef project, string sha, CancellationToken cancellationToken) =>
        GetAsync<GitLabCommit>($"projects/{project.Encoded}/repository/commits/{Uri.EscapeDataString(sha)}", cancellationToken);

    /// <summary>The commits reachable from <paramref name="refName"/> (the default branch when null), newest first.</summary>
    public IAsyncEnumerable<GitLabCommit> ListCommitsAsync(
        ProjectRef project,
        string? refName,
        string? path,
        CancellationToken cancellationToken
    )
    {
        var query = string.Join(
            "&",
            new[]
            {
                refName is null ? null : "ref_name=" + Uri.EscapeDataString(refName),
                path is null ? null : "path=" + Uri.EscapeDataString(path),
            }.Where(part => part is not null)
        );
        return _connection.ListAsync<GitLabCommit>(Query($"projects/{project.Encoded}/repository/commits", query), cancellationToken);
    }

    /// <summary>
    /// The commit's change applied on top of <paramref name="branch"/> as a new commit. GitLab refuses with 400 and an
    /// <see cref="GitLabException.ErrorCode"/>: <c>conflict</c> (the kind is <see cref="GitLabErrorKind.Conflict"/>) or
    /// <c>empty</c> (the change is already there; <see cref="GitLabErrorKind.Validation"/>).
    /// </summary>
    public Task<GitLabCommit> CherryPickAsync(
        ProjectRef project,
        string sha,
        string branch,
        string? message,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabCommit>(CherryPickPath(project, sha), new { branch, message }, cancellationToken);

    /// <summary>Whether <see cref="CherryPickAsync"/> would succeed, changing nothing; fails the same way when it would not.</summary>
    public Task<GitLabDryRun> CherryPickDryRunAsync(ProjectRef project, string sha, string branch, CancellationToken cancellationToken) =>
        PostAsync<GitLabDryRun>(CherryPickPath(project, sha), new { branch, dry_run = true }, cancellationToken);

    private static string CherryPickPath(ProjectRef project, string sha) =>
        $"projects/{project.Encoded}/repository/commits/{Uri.EscapeDataString(sha)}/cherry_pick";

    /// <summary>From <paramref name="from"/> to <paramref name="to"/>: from their merge base, or from <paramref name="from"/>
    /// itself when <paramref name="straight"/>.</summary>
    public Task<GitLabComparison> CompareAsync(
        ProjectRef project,
        string from,
        string to,
        bool straight,
        CancellationToken cancellationToken
    ) =>
        GetAsync<GitLabComparison>(
            $"projects/{project.Encoded}/repository/compare?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}"
                + (straight ? "&straight=true" : ""),
            cancellationToken
        );

    public Task<GitLabFile> GetFileAsync(ProjectRef project, string path, string gitRef, CancellationToken cancellationToken) =>
        GetAsync<GitLabFile>($"{FilePath(project, path)}?ref={Uri.EscapeDataString(gitRef)}", cancellationToken);

    /// <summary>The file's bytes as stored (no encoding, no byte-order mark added).</summary>
    public async Task<byte[]> GetRawFileAsync(ProjectRef project, string path, string gitRef, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendRawAsync(
            HttpMethod.Get,
            $"{FilePath(project, path)}/raw?ref={Uri.EscapeDataString(gitRef)}",
            null,
            HttpCompletionOption.ResponseContentRead,
            cancellationToken
        );
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public Task<GitLabFileWritten> CreateFileAsync(
        ProjectRef project,
        string path,
        GitLabFileChange change,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabFileWritten>(FilePath(project, path), change, cancellationToken);

    public Task<GitLabFileWritten> UpdateFileAsync(
        ProjectRef project,
        string path,
        GitLabFileChange change,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabFileWritten>(FilePath(project, path), change, cancellationToken);

    public Task DeleteFileAsync(ProjectRef project, string path, GitLabFileChange change, CancellationToken cancellationToken) =>
        _connection.SendAsync(HttpMethod.Delete, FilePath(project, path), change, cancellationToken);

    private static string FilePath(ProjectRef project, string path) =>
        $"projects/{project.Encoded}/repository/files/{Uri.EscapeDataString(path)}";

    /// <summary>The entries of a folder (the root when <paramref name="path"/> is null), or of every folder below it.</summary>
    public IAsyncEnumerable<GitLabTreeEntry> ListTreeAsync(
        ProjectRef project,
        string? path,
        string? gitRef,
        bool recursive,
        CancellationToken cancellationToken
    )
    {
        var query = string.Join(
            "&",
            new[]
            {
                path is null ? null : "path=" + Uri.EscapeDataString(path),
                gitRef is null ? null : "ref=" + Uri.EscapeDataString(gitRef),
                recursive ? "recursive=true" : null,
            }.Where(part => part is not null)
        );
        return _connection.ListAsync<GitLabTreeEntry>(Query($"projects/{project.Encoded}/repository/tree", query), cancellationToken);
    }
}
