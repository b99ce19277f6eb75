using GitLabBus.Consumers.Reviews.Rules;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.Reviews;

/// <summary>What a review left on GitLab: its findings (inline ones with their thread) and the summary note.</summary>
public sealed record PostedReview(IReadOnlyList<ReviewFindingView> Findings, long NoteId, string Summary, int Created);

/// <summary>
/// Writes a review on the merge request: one thread per finding at its exact place (not again when one of ours is there
/// already), then the summary, edited in place when ours exists. One read of the discussions finds both, so a redelivery
/// after a crash writes only what is missing. A place GitLab refuses sends the finding to the summary, linked.
/// </summary>
public sealed class ReviewPoster(GitLabClient client, GitLabUser us)
{
    public async Task<PostedReview> PostAsync(
        GitLabMergeRequest mr,
        IReadOnlyList<ChangedFile> files,
        IReadOnlyList<ReviewFinding> findings,
        Func<IReadOnlyList<ReviewFindingView>, string> summarise,
        CancellationToken cancellationToken
    )
    {
        var (summaryNote, threads) = await OursAsync(mr, cancellationToken);
        var views = new List<ReviewFindingView>();
        var created = 0;
        var byPath = files.GroupBy(file => file.Path).ToDictionary(group => group.Key, group => group.First());
        foreach (var finding in findings)
        {
            var place = Place(finding, byPath.GetValueOrDefault(finding.Path));
            string? discussion = null;
            if (place is not null && mr.DiffRefs is { } refs)
            {
                var key = ReviewComments.FindingKey(finding, place.Line.Text);
                discussion = threads.GetValueOrDefault(key);
                if (discussion is null && await OpenAsync(mr, refs, finding, place, key, cancellationToken) is { } opened)
                {
                    (discussion, threads[key]) = (opened, opened);
                    created++;
                }
            }

            views.Add(
                new ReviewFindingView(finding.Path, finding.Line, finding.Side, finding.Severity, finding.Rule, finding.Message, discussion)
            );
        }

        var body = summarise(views);
        var note =
            summaryNote is null ? await client.CreateMergeRequestNoteAsync(mr.ProjectId, mr.Iid, body, cancellationToken)
            : summaryNote.Body == body ? summaryNote
            : await client.UpdateMergeRequestNoteAsync(mr.ProjectId, mr.Iid, summaryNote.Id, body, cancellationToken);
        return new PostedReview(views, note.Id, body, created);
    }

    /// <summary>Our summary note and our findings' threads by key, from one listing of the discussions.</summary>
    private async Task<(GitLabNote? Summary, Dictionary<string, string> Threads)> OursAsync(
        GitLabMergeRequest mr,
        CancellationToken cancellationToken
    )
    {
        GitLabNote? summary = null;
        var threads = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var discussion in client.ListDiscussionsAsync(mr.ProjectId, mr.Iid, cancellationToken))
        {
            if (discussion.Notes.FirstOrDefault() is not { } first || first.Author?.Id != us.Id)
            {
                continue;
            }

            if (first.Body.Contains(ReviewComments.SummaryMarker, StringComparison.Ordinal))
            {
                summary ??= first;
            }
            else if (ReviewComments.FindingKeyIn(first.Body) is { } key)
            {
                threads.TryAdd(key, discussion.Id);
            }
        }

        return (summary, threads);
    }

    private async Task<string?> OpenAsync(
        GitLabMergeRequest mr,
        GitLabDiffRefs refs,
        ReviewFinding finding,
        Placed place,
        string key,
        CancellationToken cancellationToken
    )
    {
        var position = new GitLabPosition(refs.BaseSha, refs.StartSha, refs.HeadSha, "text", place.OldPath, place.NewPath)
        {
            NewLine = place.Line.NewLine,
            OldLine = place.Line.OldLine,
        };
        try
        {
            var body = ReviewComments.Finding(finding, key);
            return (
                await client.CreateDiscussionAsync(
                    mr.ProjectId,
                    mr.Iid,
                    new NewGitLabDiscussion(body) { Position = position },
                    cancellationToken
                )
            ).Id;
        }
        catch (GitLabException refused) when (refused.Kind == GitLabErrorKind.Validation)
        {
            // GitLab's "line_code can't be blank" and its kin: the summary carries it instead, with a link to the line.
            return null;
        }
    }

    /// <summary>A finding's line in the diff, with the file's paths on both sides (a renamed file has two).</summary>
    private sealed record Placed(DiffLine Line, string OldPath, string NewPath);

    /// <summary>The diff line a finding sits on, when the diff shows it on that side; otherwise it belongs in the summary.</summary>
    private static Placed? Place(ReviewFinding finding, ChangedFile? file)
    {
        if (finding.Line is not { } number || file is null)
        {
            return null;
        }

        var line =
            finding.Side == FindingSides.Old
                ? file.Lines.FirstOrDefault(each => each.OldLine == number && each.Kind != DiffLineKind.Added)
                : file.Lines.FirstOrDefault(each => each.NewLine == number && each.Kind != DiffLineKind.Removed);
        return line is null ? null : new Placed(line, file.OldPath, file.NewPath);
    }
}
