using MassTransit;

namespace GitLabBus.Consumers.Identity;

public sealed class TaskLinkHookConsumerDefinition : ConsumerDefinition<TaskLinkHookConsumer>
{
    public TaskLinkHookConsumerDefinition() => EndpointName = "task-link-hooks";
}
