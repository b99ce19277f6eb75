using System.Globalization;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// The warnings of an apply about new items that look like open work items already in the project: a title at least
/// <c>DUPLICATE_WARNING_SCORE</c> similar to one in the project's title cache. A warning only: the item is still created (a
/// generator may mean a second, similar issue); without a cache of the current model there is nothing to compare with, and a
/// model that cannot embed leaves the apply as it is.
/// </summary>
public sealed class DuplicateWarnings(SimilarWorkItemSearch search, BacklogApplySettings settings, ILogger<DuplicateWarnings> logger)
{
    /// <summary>The warning of each new input (by input index) whose title is that similar to an open work item.</summary>
    public async Task<IReadOnlyDictionary<int, string>> ForAsync(
        ScopedProject projectId,
        IReadOnlyList<BacklogEpicInput> inputs,
        CancellationToken cancellationToken
    )
    {
        var fresh = inputs.Select((input, index) => (input, index)).Where(pair => pair.input.Id is null).ToList();
        var warnings = new Dictionary<int, string>();
        if (fresh.Count == 0)
        {
            return warnings;
        }

        try
        {
            var (matches, _) = await search.FindAsync(
                projectId,
                [.. fresh.Select(pair => pair.input.Title.Trim())],
                1,
                (float)settings.DuplicateWarningScore,
                title => title.State == "opened",
                cancellationToken
            );
            foreach (var (forTitle, (_, index)) in (matches ?? []).Zip(fresh))
            {
                if (forTitle is [var best, ..])
                {
                    warnings[index] = Warning(best);
                }
            }
        }
        catch (EmbeddingUnavailableException unavailable)
        {
            logger.LogWarning(
                "New titles of project {ProjectId} not compared with its work items: {Reason}",
                projectId,
                unavailable.Message
            );
        }

        return warnings;
    }

    private static string Warning(SimilarTitle match)
    {
        var (title, score) = (match.Title, match.Score.ToString("0.00", CultureInfo.InvariantCulture));
        var reference = title.Kind == "epic" ? $"&{title.Iid}" : $"#{title.Iid}";
        return $"the title is {score} similar to the open {title.Kind} {reference} \"{title.Title}\" ({title.WebUrl}): check that it is "
            + "not a duplicate";
    }
}
