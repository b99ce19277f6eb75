using System.Globalization;
using System.Text.RegularExpressions;

namespace GitLabBus.Contracts;

/// <summary>
/// How messages and requests name a GitLab project: a positive numeric id, or its full path (<c>demo/shop</c>,
/// URL-encoded or not), with the characters GitLab allows in paths.
/// </summary>
public static partial class ProjectNames
{
    /// <summary>A positive numeric id, or a full project path (URL-encoded or not).</summary>
    public static bool IsIdOrPath(string? raw) =>
        raw is { Length: > 0 }
        && (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id > 0 : IsPath(Uri.UnescapeDataString(raw)));

    /// <summary>The project's id when it is named by one; null when it is named by path.</summary>
    public static long? IdOf(string raw) =>
        long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>At least a namespace and a project, each segment of the characters GitLab allows in paths.</summary>
    public static bool IsPath(string path) => ProjectPath().IsMatch(path);

    /// <summary>The one spelling all names of a project share (<c>Demo%2FShop</c> → <c>demo/shop</c>).</summary>
    public static string Canonical(string projectId) => Uri.UnescapeDataString(projectId).Trim().ToLowerInvariant();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)+$")]
    private static partial Regex ProjectPath();
}
