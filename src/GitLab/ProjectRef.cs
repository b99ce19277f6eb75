using System.Globalization;

namespace GitLabBus.GitLab;

/// <summary>A project or group as GitLab's paths accept it: a numeric id or a full path (URL-encoded on the way).</summary>
public readonly record struct ProjectRef(string Value)
{
    public static implicit operator ProjectRef(long id) => new(id.ToString(CultureInfo.InvariantCulture));

    public static implicit operator ProjectRef(string path) => new(path);

    /// <summary>
    /// Encoded once, whether <see cref="Value"/> came plain (<c>demo/shop</c>) or already encoded as callers send it in
    /// URLs (<c>demo%2Fshop</c>): GitLab decodes once, so a twice-encoded path would name no project. Paths cannot hold
    /// a literal <c>%</c>, so decoding first is safe.
    /// </summary>
    public string Encoded => Uri.EscapeDataString(Uri.UnescapeDataString(Value));

    public override string ToString() => Value;
}
