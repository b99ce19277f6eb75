using GitLabBus.Consumers.Identity;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.AspNetCore.DataProtection;

namespace GitLabBus.Tests.Consumers.Identity;

public sealed class InMemoryOrganisationStoresSpecs : OrganisationStoresSpecification
{
    protected override IOrgIntegrationStore Integrations() => new InMemoryOrgIntegrationStore(new EphemeralDataProtectionProvider());

    protected override ITaskLinkStore Links() => new InMemoryTaskLinkStore();

    protected override IOrgAuditLog Audit() => new InMemoryOrgAuditLog();
}
