using System.Security.Cryptography;
using System.Text;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>
/// Project ids as the gitlab-pipelines contract wants them in logs and spans: not in clear, yet the same project always reads the
/// same, so an operator can follow one project through the logs (<c>project-3f9a1c2b</c>).
/// </summary>
public static class ProjectRedaction
{
    public static string Redact(long projectId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes($"gitlabbus-project:{projectId}"), hash);
        return "project-" + Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>An organisation's project is named with its organisation, which is no secret of the project's.</summary>
    public static string Redact(ScopedProject project) => project.OrgId is { } org ? $"{org}/{Redact(project.Id)}" : Redact(project.Id);
}
