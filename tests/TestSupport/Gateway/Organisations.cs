using System.Net.Http.Json;
using GitLabBus.Simulator;

namespace GitLabBus.Tests.TestSupport.Gateway;

/// <summary>An organisation given its own GitLab through the gateway, as an admin or project owner of it does.</summary>
public static class Organisations
{
    public static async Task ConfigureGitLabAsync(
        this HttpClient owner,
        string org,
        string baseUrl,
        string webhookSecret,
        string token = SimulatorOptions.DefaultToken
    )
    {
        using var configured = await owner.PutAsJsonAsync(
            $"/api/orgs/{org}/integrations/gitlab",
            new
            {
                base_url = baseUrl,
                token,
                webhook_secret = webhookSecret,
            }
        );
        configured.EnsureSuccessStatusCode();
    }
}
