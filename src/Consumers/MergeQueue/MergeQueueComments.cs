using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>A comment of the queue's: its body, ending with the hidden marker that says what it is about.</summary>
public sealed record QueueComment(string Marker, string Body);

/// <summary>
/// Every comment the merge queue writes, in one place, for a person to read: what happened, why, what to do. Each ends with
/// a hidden marker naming the kind and what it was about (a head, a note), so that the same comment is never written twice.
/// </summary>
public static class MergeQueueComments
{
    public static string Marker(string kind, string about) => $"<!-- merge-assist:{kind}:{about} -->";

    public static QueueComment NotReady(IReadOnlyList<string> reasons, string headSha) =>
        With(
            Marker("not-ready", headSha),
            "**Merge Assist** cannot queue this merge request yet:\n\n"
                + string.Concat(reasons.Select(reason => $"- {reason}\n"))
                + "\nIt joins the queue by itself once these are fixed; nothing else is needed."
        );

    /// <summary>The answer to a <c>/merge</c> the queue cannot take from its author, naming the note it answers.</summary>
    public static QueueComment CommandRefused(string? username, string reason, long noteId) =>
        With(
            Marker("command-refused", noteId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            $"{(username is null ? "" : $"@{username} ")}**Merge Assist** did not take this `/merge`: {reason}."
        );

    /// <summary>
    /// Writes <paramref name="comment"/> on the merge request unless <paramref name="us"/> (the service's user) wrote it
    /// already: a marker in someone else's note does not count, so nobody can silence the queue by quoting it.
    /// </summary>
    public static async Task WriteOnceAsync(
        GitLabClient client,
        long projectId,
        long iid,
        GitLabUser us,
        QueueComment comment,
        CancellationToken cancellationToken
    )
    {
        await foreach (var note in client.ListMergeRequestNotesAsync(projectId, iid, cancellationToken))
        {
            if (note.Author?.Id == us.Id && note.Body.Contains(comment.Marker, StringComparison.Ordinal))
            {
                return;
            }
        }

        await client.CreateMergeRequestNoteAsync(projectId, iid, comment.Body, cancellationToken);
    }

    private static QueueComment With(string marker, string text) => new(marker, $"{text}\n\n{marker}");
}
