using MassTransit;

namespace GitLabBus.Consumers.Backlog;

public sealed class BacklogApiConsumerDefinition : ConsumerDefinition<BacklogApiConsumer>
{
    public BacklogApiConsumerDefinition() => EndpointName = "backlog-api";
}
