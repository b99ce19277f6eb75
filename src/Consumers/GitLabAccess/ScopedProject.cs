using System.Globalization;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>
/// A project as the consumers keep things about it: its id at its GitLab, and the organisation whose GitLab that is (null for
/// the GitLab this deployment serves, which a bare project id names). See <see cref="OrgScope"/>.
/// </summary>
public readonly record struct ScopedProject(string? OrgId, long Id)
{
    public static implicit operator ScopedProject(long projectId) => new(null, projectId);

    /// <summary>A Redis key of this project's, within its organisation.</summary>
    public string Key(string key) => OrgScope.Key(OrgId, key);

    /// <summary>The project's path in the gateway's API: <c>/gitlab/projects/1</c>, <c>/api/orgs/acme/gitlab/projects/1</c>.</summary>
    public string ApiPath =>
        string.Create(CultureInfo.InvariantCulture, $"{(OrgId is null ? "" : $"/api/orgs/{OrgId}")}/gitlab/projects/{Id}");

    /// <summary><c>1</c>, or <c>acme/1</c> for an organisation's project: for logs.</summary>
    public override string ToString() =>
        OrgId is null ? Id.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{OrgId}/{Id}");
}
