using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

/// <summary>A merge request's notes after they are written: edits, deletions, thread replies and resolution, award emoji.</summary>
public sealed partial class GitLabClient
{
    public Task<GitLabNote> GetMergeRequestNoteAsync(ProjectRef project, long iid, long noteId, CancellationToken cancellationToken) =>
        GetAsync<GitLabNote>(NotePath(project, iid, noteId), cancellationToken);

    /// <summary>A new body for one of our notes (GitLab lets only its author or an administrator: 403 otherwise).</summary>
    public Task<GitLabNote> UpdateMergeRequestNoteAsync(
        ProjectRef project,
        long iid,
        long noteId,
        string body,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabNote>(NotePath(project, iid, noteId), new { body }, cancellationToken);

    public Task DeleteMergeRequestNoteAsync(ProjectRef project, long iid, long noteId, CancellationToken cancellationToken) =>
        DeleteAsync(NotePath(project, iid, noteId), cancellationToken);

    /// <summary>A reply in an existing thread.</summary>
    public Task<GitLabNote> ReplyToDiscussionAsync(
        ProjectRef project,
        long iid,
        string discussionId,
        string body,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabNote>($"{DiscussionPath(project, iid, discussionId)}/notes", new { body }, cancellationToken);

    public Task<GitLabDiscussion> ResolveDiscussionAsync(
        ProjectRef project,
        long iid,
        string discussionId,
        bool resolved,
        CancellationToken cancellationToken
    ) => PutAsync<GitLabDiscussion>(DiscussionPath(project, iid, discussionId), new { resolved }, cancellationToken);

    public IAsyncEnumerable<GitLabAwardEmoji> ListMergeRequestAwardsAsync(
        ProjectRef project,
        long iid,
        CancellationToken cancellationToken
    ) => _connection.ListAsync<GitLabAwardEmoji>($"projects/{project.Encoded}/merge_requests/{iid}/award_emoji", cancellationToken);

    public Task<GitLabAwardEmoji> AwardMergeRequestAsync(ProjectRef project, long iid, string name, CancellationToken cancellationToken) =>
        PostAsync<GitLabAwardEmoji>($"projects/{project.Encoded}/merge_requests/{iid}/award_emoji", new { name }, cancellationToken);

    public IAsyncEnumerable<GitLabAwardEmoji> ListNoteAwardsAsync(
        ProjectRef project,
        long iid,
        long noteId,
        CancellationToken cancellationToken
    ) => _connection.ListAsync<GitLabAwardEmoji>($"{NotePath(project, iid, noteId)}/award_emoji", cancellationToken);

    /// <summary>An award emoji on a note, e.g. <c>eyes</c> on a command picked up. GitLab refuses the same one twice (404).</summary>
    public Task<GitLabAwardEmoji> AwardNoteAsync(
        ProjectRef project,
        long iid,
        long noteId,
        string name,
        CancellationToken cancellationToken
    ) => PostAsync<GitLabAwardEmoji>($"{NotePath(project, iid, noteId)}/award_emoji", new { name }, cancellationToken);

    private static string NotePath(ProjectRef project, long iid, long noteId) =>
        $"projects/{project.Encoded}/merge_requests/{iid}/notes/{noteId}";

    private static string DiscussionPath(ProjectRef project, long iid, string discussionId) =>
        $"projects/{project.Encoded}/merge_requests/{iid}/discussions/{Uri.EscapeDataString(discussionId)}";
}
