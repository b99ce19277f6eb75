namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// Every comment the merge queue writes, in one place, for a person to read: what happened, why, what to do. Each ends with
/// a hidden marker naming the kind and the head it was about, so that the same comment is never written twice for one head.
/// </summary>
public static class MergeQueueComments
{
    public static string Marker(string kind, string headSha) => $"<!-- merge-assist:{kind}:{headSha} -->";

    public static string NotReady(IReadOnlyList<string> reasons, string headSha) =>
        "**Merge Assist** cannot queue this merge request yet:\n\n"
        + string.Concat(reasons.Select(reason => $"- {reason}\n"))
        + "\nIt joins the queue by itself once these are fixed; nothing else is needed.\n\n"
        + Marker("not-ready", headSha);

    /// <summary>The answer to a <c>/merge</c> the queue cannot take from its author, naming the note it answers.</summary>
    public static string CommandRefused(string? username, string reason, long noteId) =>
        $"{(username is null ? "" : $"@{username} ")}**Merge Assist** did not take this `/merge`: {reason}.\n\n"
        + Marker("command-refused", noteId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
