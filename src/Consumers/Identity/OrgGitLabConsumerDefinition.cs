using MassTransit;

namespace GitLabBus.Consumers.Identity;

public sealed class OrgGitLabConsumerDefinition : ConsumerDefinition<OrgGitLabConsumer>
{
    public OrgGitLabConsumerDefinition() => EndpointName = "org-gitlab";
}
