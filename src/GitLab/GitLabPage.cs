namespace GitLabBus.GitLab;

/// <summary>
/// One page of a list, with GitLab's pagination headers (<c>x-page</c>, <c>x-per-page</c>, <c>x-next-page</c>,
/// <c>x-prev-page</c>, <c>x-total</c>, <c>x-total-pages</c>). Totals are null when GitLab omits them (over 10,000 rows).
/// </summary>
public sealed record GitLabPage<T>(IReadOnlyList<T> Items, int Page, int PerPage, int? NextPage, int? PrevPage, int? Total, int? TotalPages)
{
    /// <summary>The <c>rel="next"</c> link, for keyset pagination where <c>x-next-page</c> is absent.</summary>
    public Uri? NextLink { get; init; }
}
