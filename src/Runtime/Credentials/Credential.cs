namespace GitLabBus.Runtime.Credentials;

/// <summary>
/// A secret a caller handed over for the work it started (its GitLab token, a pipeline trigger token). The value
/// leaves this type only through <see cref="Reveal{T}"/>: to be encrypted by the store, or to become the GitLab client's
/// token in the consumers. <see cref="ToString"/> is redacted, so it cannot slip into a log line or an exception.
/// </summary>
public sealed class Credential
{
    private readonly string _value;

    public Credential(string value, bool isOAuth = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
        IsOAuth = isOAuth;
    }

    /// <summary>An OAuth access token (sent as <c>Authorization: Bearer</c>) rather than a personal, project or trigger token.</summary>
    public bool IsOAuth { get; }

    public T Reveal<T>(Func<string, T> use) => use(_value);

    public override string ToString() => IsOAuth ? "Credential(oauth, redacted)" : "Credential(redacted)";
}
