using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// The backlog is epics then issues, two GitLab collections read as one list: page <c>n</c> of <c>k</c> items is
/// items <c>(n-1)·k</c> to <c>n·k</c> of the epics followed by the issues. Each collection is read with GitLab's own
/// pagination at the same page size, so a backlog page costs at most two GitLab pages of each, and their
/// <c>x-total</c> headers give the totals.
/// </summary>
public static class BacklogPaging
{
    public sealed record Slice(IReadOnlyList<GitLabEpic> Epics, IReadOnlyList<GitLabIssue> Issues, int? NextPage, int? Total);

    public static async Task<Slice> ReadAsync(
        int page,
        int perPage,
        Func<int, int, Task<GitLabPage<GitLabEpic>>>? epicsPage,
        Func<int, int, Task<GitLabPage<GitLabIssue>>> issuesPage
    )
    {
        var start = (long)(page - 1) * perPage;
        var (epics, epicTotal) = epicsPage is null ? ([], 0) : await RangeAsync(epicsPage, start, perPage, perPage);

        // GitLab leaves x-total out beyond 10,000 rows; the epics' end is still known when it falls on this page.
        epicTotal ??= epics.Count > 0 && epics.Count < perPage ? (int)start + epics.Count : null;
        var (issues, issueTotal) =
            epics.Count == perPage || epicTotal is null
                ? ([], await TotalAsync(issuesPage, perPage))
                : await RangeAsync(issuesPage, Math.Max(0, start - epicTotal.Value), perPage - epics.Count, perPage);

        var total = epicTotal + issueTotal;
        var hasMore = total is { } known ? start + perPage < known : epics.Count + issues.Count == perPage;
        return new Slice(epics, issues, hasMore ? page + 1 : null, total);
    }

    /// <summary>Items <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> from at most two GitLab
    /// pages.</summary>
    private static async Task<(List<T> Items, int? Total)> RangeAsync<T>(
        Func<int, int, Task<GitLabPage<T>>> read,
        long start,
        int count,
        int pageSize
    )
    {
        var first = (int)(start / pageSize) + 1;
        var skip = (int)(start % pageSize);
        var items = new List<T>(count);
        var current = await read(first, pageSize);
        items.AddRange(current.Items.Skip(skip).Take(count));
        if (items.Count < count && current.NextPage is not null)
        {
            current = await read(first + 1, pageSize);
            items.AddRange(current.Items.Take(count - items.Count));
        }

        return (items, current.Total);
    }

    private static async Task<int?> TotalAsync<T>(Func<int, int, Task<GitLabPage<T>>> read, int pageSize) =>
        (await read(1, pageSize)).Total;
}
