using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Consumers.Identity;

/// <summary>GitLab clients for work done for an organisation: at its GitLab, with its token (which goes nowhere else).</summary>
public sealed class OrgGitLabClients(GitLabClientFactory factory, IOrgIntegrationStore integrations)
{
    /// <summary>The organisation's integration and a client for it; null when it has none.</summary>
    public async Task<(OrgIntegration Integration, GitLabClient Client)?> ForAsync(string orgId, CancellationToken cancellationToken)
    {
        if (await integrations.GetAsync(orgId, cancellationToken) is not { } integration)
        {
            return null;
        }

        var client = integration.Token.Reveal(token => factory.ForInstance(integration.BaseUrl, new GitLabToken(token)));
        return (integration, client);
    }
}
