using GitLabBus.Runtime.Settings;

namespace GitLabBus.Runtime.Credentials;

/// <param name="Lifetime"><c>CREDENTIAL_TTL_SECONDS</c> (3,600): how long a caller's token stays available to the work it started.</param>
public sealed record CredentialSettings(TimeSpan Lifetime)
{
    public static CredentialSettings Read(SettingsReader reader) =>
        new(TimeSpan.FromSeconds(reader.Int("CREDENTIAL_TTL_SECONDS", 3_600, 10, 7 * 86_400)));
}
