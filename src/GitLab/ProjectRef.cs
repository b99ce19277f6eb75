namespace GitLabBus.GitLab;

/// <summary>A project or group as GitLab's paths accept it: a numeric id or a full path (URL-encoded on the way).</summary>
public readonly record struct ProjectRef(string Value)
{
    public static implicit operator ProjectRef(long id) => new(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static implicit operator ProjectRef(string path) => new(path);

    public string Encoded => Uri.EscapeDataString(Value);

    public override string ToString() => Value;
}
