using System.Globalization;
using System.Text.RegularExpressions;

namespace GitLabBus.GitLab;

/// <summary>A project or group as GitLab's paths accept it: a numeric id or a full path (URL-encoded on the way).</summary>
public readonly partial record struct ProjectRef(string Value)
{
    public static implicit operator ProjectRef(long id) => new(id.ToString(CultureInfo.InvariantCulture));

    public static implicit operator ProjectRef(string path) => new(path);

    public string Encoded => Uri.EscapeDataString(Value);

    public override string ToString() => Value;

    /// <summary>A positive numeric id, or a full project path (URL-encoded or not).</summary>
    public static bool IsIdOrPath(string? raw) =>
        raw is { Length: > 0 } && (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id > 0 : IsPath(Uri.UnescapeDataString(raw)));

    /// <summary>At least a namespace and a project, each segment of the characters GitLab allows in paths.</summary>
    public static bool IsPath(string path) => ProjectPath().IsMatch(path);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)+$")]
    private static partial Regex ProjectPath();
}
