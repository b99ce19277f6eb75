namespace GitLabBus.Runtime.Credentials;

/// <summary>
/// A secret a caller handed over for the work it started (its GitLab token, a pipeline trigger token). The value
/// leaves this type only through <see cref="Reveal{T}"/>: to be encrypted by the store, or to become the GitLab client's
/// token in the consumers. <see cref="ToString"/> is redacted, so it cannot slip into a log line or an exception.
/// </summary>
public sealed class Credential
{
    private readonly string _value;

    public Credential(string value, CredentialKind kind = CredentialKind.Token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
        Kind = kind;
    }

    public CredentialKind Kind { get; }

    /// <summary>An OAuth access token (sent as <c>Authorization: Bearer</c>) rather than a personal, project or trigger token.</summary>
    public bool IsOAuth => Kind == CredentialKind.OAuth;

    public T Reveal<T>(Func<string, T> use) => use(_value);

    public override string ToString() => $"Credential({Kind.ToString().ToLowerInvariant()}, redacted)";
}

public enum CredentialKind
{
    /// <summary>A personal, project or trigger token (sent as <c>PRIVATE-TOKEN</c>, or as a trigger's form field).</summary>
    Token,

    /// <summary>An OAuth access token the caller brought.</summary>
    OAuth,

    /// <summary>
    /// A session connected to GitLab with OAuth (<c>/auth/gitlab/authorize</c>): the value is the session id, whose access token
    /// the consumers read from <see cref="IGitLabSessionStore"/> and renew when it expires.
    /// </summary>
    Session,
}
