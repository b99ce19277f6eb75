using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
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
    /// <summary>The kind of the comment on a merge request taken out of its batch for a conflict, about its head.</summary>
    public const string ConflictKind = "conflict";

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

    /// <summary>A strike: which batch failed, with links to its pipeline and failed jobs; it stays queued and is tested alone.</summary>
    public static QueueComment Struck(MrStruck struck) =>
        With(
            Marker("strike", $"{struck.Strikes}:{struck.Evidence.Number}"),
            $"**Merge Assist**: this merge request broke batch {struck.Evidence.Number} "
                + $"(strike {struck.Strikes} of {struck.MaxStrikes}: each pipeline that failed with it counts).\n\n"
                + Evidence(struck.Evidence)
                + $"\nIt stays in the queue and is tested alone, beside the others' batches; at {struck.MaxStrikes} strikes it is "
                + "rejected. "
                + "Push a fix and it is checked again."
        );

    /// <summary>Out of the queue: for strikes with the last failing pipeline, for a conflict with what GitLab said.</summary>
    public static QueueComment Rejected(MrRejected rejected, MergeQueueLabels labels) =>
        rejected.Reason == MrRejectedReasons.Conflict
            ? With(
                Marker(ConflictKind, rejected.HeadSha),
                $"**Merge Assist** took this merge request out of the queue: it could not be merged into its batch "
                    + $"({rejected.Detail}). It conflicts with `{rejected.TargetBranch}` or with a merge request ahead of it.\n\n"
                    + "Rebase it on the target and resolve the conflicts; it joins the queue again by itself."
            )
            : With(
                Marker("rejected", $"{rejected.Strikes}:{rejected.Evidence?.Number}"),
                $"**Merge Assist** rejected this merge request: {rejected.Detail} (strike {rejected.Strikes}).\n\n"
                    + (rejected.Evidence is { } evidence ? Evidence(evidence) : "")
                    + $"\nIt is out of the queue until it is marked ready again: remove `{labels.Rejected}` and add "
                    + $"`{labels.Ready}`, or comment `/merge`."
            );

    /// <summary>The failing pipeline and each failed job, linked (a job's page sits next to its pipeline's).</summary>
    private static string Evidence(BatchFailureEvidence evidence)
    {
        var pipeline = evidence.PipelineUrl is { } url ? $"[the batch pipeline]({url})" : "the batch pipeline";
        var text = $"Result of {pipeline}: **{evidence.Status}**.\n";
        if (evidence.FailedJobs.Count == 0)
        {
            return text;
        }

        return text
            + "\nFailed jobs:\n"
            + string.Concat(evidence.FailedJobs.Select(job => $"- {JobLink(job, evidence.PipelineUrl)} (stage `{job.Stage}`)\n"));
    }

    private static string JobLink(PipelineJobSummary job, string? pipelineUrl)
    {
        var at = pipelineUrl?.LastIndexOf("/-/pipelines/", StringComparison.Ordinal) ?? -1;
        return at < 0 ? $"`{job.Name}`" : $"[`{job.Name}`]({pipelineUrl![..at]}/-/jobs/{job.Id})";
    }

    /// <summary>Writes <paramref name="comment"/> on the merge request unless the service's user wrote it already.</summary>
    public static Task WriteOnceAsync(
        GitLabClient client,
        long projectId,
        long iid,
        GitLabUser us,
        QueueComment comment,
        CancellationToken cancellationToken
    ) => OwnNotes.WriteOnceAsync(client, projectId, iid, us, comment.Marker, comment.Body, cancellationToken);

    private static QueueComment With(string marker, string text) => new(marker, $"{text}\n\n{marker}");
}
