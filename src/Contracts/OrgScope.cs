using System.Text.RegularExpressions;

namespace GitLabBus.Contracts;

/// <summary>
/// Work for an organisation runs at the organisation's own GitLab, whose project and pipeline ids are another GitLab's: a
/// message names the organisation (<c>orgId</c>, null for the GitLab this deployment serves), and everything kept about the
/// work (Redis keys, saga ids) is named within it, so that project 1 of one GitLab never meets project 1 of another.
/// </summary>
public static partial class OrgScope
{
    /// <summary>What an organisation's (or a task's, a link's) id may be.</summary>
    public const string IdRule = "1 to 128 letters, digits, '.', '_' or '-'";

    private const string OurPrefix = "gitlabbus:";

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>A name (of a saga instance, of a channel) within the organisation: <c>org:{org_id}:{name}</c>; the name itself for
    /// the served GitLab.</summary>
    public static string Name(string? orgId, string name) => orgId is null ? name : $"org:{orgId}:{name}";

    /// <summary>A Redis key within the organisation, under <c>gitlabbus:orgs:{org_id}:</c> (beside its integration and links);
    /// the key itself for the served GitLab.</summary>
    public static string Key(string? orgId, string key) =>
        orgId is null
            ? key
            : $"{OurPrefix}orgs:{orgId}:{(key.StartsWith(OurPrefix, StringComparison.Ordinal) ? key[OurPrefix.Length..] : key)}";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex IdPattern();
}
