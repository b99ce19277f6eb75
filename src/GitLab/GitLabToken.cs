using System.Security.Cryptography;
using System.Text;

namespace GitLabBus.GitLab;

/// <summary>
/// A GitLab access token (personal, project, OAuth). Its value leaves this type only as a request header:
/// <see cref="ToString"/> and serializers see a redacted form, so it cannot slip into a log line or an exception.
/// </summary>
public sealed class GitLabToken
{
    private readonly string _value;

    public GitLabToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_value)))[..12];
    }

    /// <summary>A short hash that tells tokens apart (rate-limit partitions, logs) without revealing one.</summary>
    public string Fingerprint { get; }

    /// <summary>OAuth access tokens go as <c>Authorization: Bearer</c>; the others as <c>PRIVATE-TOKEN</c>.</summary>
    public bool IsOAuth { get; init; }

    public static GitLabToken? From(string? value) => string.IsNullOrWhiteSpace(value) ? null : new GitLabToken(value);

    /// <summary>
    /// Hands the value to <paramref name="seal"/>, for the one place that must store it: the credential store, which
    /// encrypts it before it goes anywhere. Anything else uses the token as a request header only.
    /// </summary>
    public T Reveal<T>(Func<string, T> seal) => seal(_value);

    internal void Apply(HttpRequestMessage request)
    {
        if (IsOAuth)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _value);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("PRIVATE-TOKEN", _value);
        }
    }

    internal FormUrlEncodedContent AsFormField(IEnumerable<KeyValuePair<string, string>> fields) =>
        new([KeyValuePair.Create("token", _value), .. fields]);

    public override string ToString() => $"GitLabToken(sha256:{Fingerprint}…)";
}
