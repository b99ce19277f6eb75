using MassTransit;

namespace GitLabBus.Consumers.GitLabAccess;

public sealed class GitLabHealthConsumerDefinition : ConsumerDefinition<GitLabHealthConsumer>
{
    public GitLabHealthConsumerDefinition() => EndpointName = "gitlab-health";
}
