namespace GitLabBus.Runtime.Credentials;

/// <summary>
/// Where a caller's GitLab token waits, encrypted, for the consumers that act with it: messages carry only the
/// reference (<c>credentialRef</c>), never the token. Entries expire after <see cref="CredentialSettings.Lifetime"/>.
/// </summary>
public interface ICredentialStore
{
    /// <summary>Keeps <paramref name="credential"/> and returns its reference.</summary>
    Task<string> PutAsync(Credential credential, CancellationToken cancellationToken);

    /// <summary>The token behind a reference, or null when it expired or never existed.</summary>
    Task<Credential?> GetAsync(string credentialRef, CancellationToken cancellationToken);
}
