using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

public sealed partial class GitLabClient
{
    public IAsyncEnumerable<GitLabMergeRequest> ListMergeRequestsAsync(
        ProjectRef project,
        WorkItemFilter? filter,
        CancellationToken cancellationToken
    ) =>
        _connection.ListAsync<GitLabMergeRequest>(
            Query($"projects/{project.Encoded}/merge_requests", filter?.Query() ?? ""),
            cancellationToken
        );

    /// <summary>
    /// Open merge requests across every project assigned to the token's user, as a bot's watcher asks for them
    /// (GitLab's <c>GET /merge_requests?scope=assigned_to_me</c>).
    /// </summary>
    public IAsyncEnumerable<GitLabMergeRequest> ListMergeRequestsAssignedToMeAsync(CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabMergeRequest>("merge_requests?scope=assigned_to_me&state=opened", cancellationToken);

    /// <summary>
    /// Open merge requests of every project the token sees, updated on or after <paramref name="updatedAfter"/> (all of them
    /// without it), oldest update first: what a poller reads instead of webhooks.
    /// </summary>
    public IAsyncEnumerable<GitLabMergeRequest> ListOpenMergeRequestsUpdatedAsync(
        DateTimeOffset? updatedAfter,
        CancellationToken cancellationToken
    ) =>
        _connection.ListAsync<GitLabMergeRequest>(
            "merge_requests?scope=all&state=opened&order_by=updated_at&sort=asc"
                + (updatedAfter is { } after ? $"&updated_after={Uri.EscapeDataString(Iso(after))}" : ""),
            cancellationToken
        );

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public Task<GitLabPage<GitLabMergeRequest>> GetMergeRequestsPageAsync(
        ProjectRef project,
        WorkItemFilter? filter,
        int page,
        int? perPage,
        CancellationToken cancellationToken
    ) =>
        _connection.GetPageAsync<GitLabMergeRequest>(
            Query($"projects/{project.Encoded}/merge_requests", filter?.Query() ?? ""),
            page,
            perPage,
            cancellationToken
        );

    /// <summary><paramref name="includeRebaseInProgress"/> fills <see cref="GitLabMergeRequest.RebaseInProgress"/> (rebases are
    /// asynchronous).</summary>
    public Task<GitLabMergeRequest> GetMergeRequestAsync(
        ProjectRef project,
        long iid,
        bool includeRebaseInProgress,
        CancellationToken cancellationToken
    ) =>
        GetAsync<GitLabMergeRequest>(
            Query($"projects/{project.Encoded}/merge_requests/{iid}", includeRebaseInProgress ? "include_rebase_in_progress=true" : ""),
            cancellationToken
        );

    public Task<GitLabMergeRequest> CreateMergeRequestAsync(
        ProjectRef project,
        NewGitLabMergeRequest request,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabMergeRequest>($"projects/{project.Encoded}/merge_requests", request, cancellationToken);

    public Task<GitLabMergeRequest> UpdateMergeRequestAsync(
        ProjectRef project,
        long iid,
        GitLabMergeRequestUpdate update,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabMergeRequest>($"projects/{project.Encoded}/merge_requests/{iid}", update, cancellationToken);

    /// <summary>Starts a rebase; follow it with <see cref="GetMergeRequestAsync"/> until <c>rebase_in_progress</c> is false, then read
    /// <c>merge_error</c>. With <paramref name="skipCi"/> the rebased head gets no pipeline.</summary>
    public Task<GitLabRebaseAccepted> RebaseMergeRequestAsync(
        ProjectRef project,
        long iid,
        bool skipCi,
        CancellationToken cancellationToken
    ) =>
        PutAsync<GitLabRebaseAccepted>(
            $"projects/{project.Encoded}/merge_requests/{iid}/rebase",
            skipCi ? new { skip_ci = true } : null,
            cancellationToken
        );

    /// <summary>405 (<see cref="GitLabErrorKind.State"/>) when not mergeable (conflicts, draft, pipeline, needs a rebase) and
    /// 406/422 (<see cref="GitLabErrorKind.State"/>) when the merge itself failed; 409 (<see cref="GitLabErrorKind.Conflict"/>)
    /// when the head is no longer <see cref="GitLabMergeOptions.Sha"/>.</summary>
    public Task<GitLabMergeRequest> MergeMergeRequestAsync(
        ProjectRef project,
        long iid,
        GitLabMergeOptions options,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabMergeRequest>($"projects/{project.Encoded}/merge_requests/{iid}/merge", options, cancellationToken);

    public Task<GitLabApprovals> GetApprovalsAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        GetAsync<GitLabApprovals>($"projects/{project.Encoded}/merge_requests/{iid}/approvals", cancellationToken);

    public Task<GitLabMergeRequestChanges> GetChangesAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        GetAsync<GitLabMergeRequestChanges>($"projects/{project.Encoded}/merge_requests/{iid}/changes", cancellationToken);

    public IAsyncEnumerable<GitLabDiff> ListDiffsAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabDiff>($"projects/{project.Encoded}/merge_requests/{iid}/diffs", cancellationToken);

    /// <summary>Newest first: the first version's shas are what an inline comment's position needs.</summary>
    public IAsyncEnumerable<GitLabMergeRequestVersion> ListVersionsAsync(
        ProjectRef project,
        long iid,
        CancellationToken cancellationToken
    ) => _connection.ListAsync<GitLabMergeRequestVersion>($"projects/{project.Encoded}/merge_requests/{iid}/versions", cancellationToken);

    public IAsyncEnumerable<GitLabNote> ListMergeRequestNotesAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabNote>($"projects/{project.Encoded}/merge_requests/{iid}/notes", cancellationToken);

    public Task<GitLabNote> CreateMergeRequestNoteAsync(ProjectRef project, long iid, string body, CancellationToken cancellationToken) =>
        PostAsync<GitLabNote>($"projects/{project.Encoded}/merge_requests/{iid}/notes", new { body }, cancellationToken);

    public IAsyncEnumerable<GitLabDiscussion> ListDiscussionsAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabDiscussion>($"projects/{project.Encoded}/merge_requests/{iid}/discussions", cancellationToken);

    /// <summary>A thread, inline when <see cref="NewGitLabDiscussion.Position"/> is set.</summary>
    public Task<GitLabDiscussion> CreateDiscussionAsync(
        ProjectRef project,
        long iid,
        NewGitLabDiscussion discussion,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabDiscussion>($"projects/{project.Encoded}/merge_requests/{iid}/discussions", discussion, cancellationToken);

    /// <summary>The merge request's commits, newest first.</summary>
    public IAsyncEnumerable<GitLabCommit> ListMergeRequestCommitsAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabCommit>($"projects/{project.Encoded}/merge_requests/{iid}/commits", cancellationToken);

    /// <summary>The commit GitLab made merging the head into the target's head; <see cref="GitLabErrorKind.Validation"/> (400)
    /// when they conflict.</summary>
    public Task<GitLabMergeRef> GetMergeRefAsync(ProjectRef project, long iid, CancellationToken cancellationToken) =>
        GetAsync<GitLabMergeRef>($"projects/{project.Encoded}/merge_requests/{iid}/merge_ref", cancellationToken);
}
