using MassTransit;

namespace GitLabBus.Consumers.Identity;

public sealed class GitLabConnectConsumerDefinition : ConsumerDefinition<GitLabConnectConsumer>
{
    public GitLabConnectConsumerDefinition() => EndpointName = "gitlab-connect";
}
