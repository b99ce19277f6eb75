using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>
/// The service's own notes on a merge request, found by the hidden marker each carries: how every capability writes a
/// comment once however often its message is delivered. A marker in someone else's note does not count, so nobody can
/// silence the service by quoting it.
/// </summary>
public static class OwnNotes
{
    public static async Task<GitLabNote?> FindAsync(
        GitLabClient client,
        long projectId,
        long iid,
        GitLabUser us,
        string marker,
        CancellationToken cancellationToken
    )
    {
        await foreach (var note in client.ListMergeRequestNotesAsync(projectId, iid, cancellationToken))
        {
            if (note.Author?.Id == us.Id && note.Body.Contains(marker, StringComparison.Ordinal))
            {
                return note;
            }
        }

        return null;
    }

    /// <summary>Writes <paramref name="body"/> (which carries <paramref name="marker"/>) unless it is there: as a reply in
    /// <paramref name="thread"/> when given, else as a note.</summary>
    public static async Task WriteOnceAsync(
        GitLabClient client,
        long projectId,
        long iid,
        GitLabUser us,
        string marker,
        string body,
        CancellationToken cancellationToken,
        string? thread = null
    )
    {
        if (await FindAsync(client, projectId, iid, us, marker, cancellationToken) is not null)
        {
            return;
        }

        if (thread is null)
        {
            await client.CreateMergeRequestNoteAsync(projectId, iid, body, cancellationToken);
        }
        else
        {
            await client.ReplyToDiscussionAsync(projectId, iid, thread, body, cancellationToken);
        }
    }
}
