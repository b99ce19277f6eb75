namespace GitLabBus.Runtime.Settings;

/// <summary>A missing or malformed environment variable. Hosts print its message as the one line they stop with.</summary>
public sealed class InvalidSettingException(string variable, string problem) : Exception($"configuration error: {variable} {problem}")
{
    public string Variable { get; } = variable;
}
