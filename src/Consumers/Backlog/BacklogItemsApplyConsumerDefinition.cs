using MassTransit;

namespace GitLabBus.Consumers.Backlog;

/// <summary>Applies are long and each writes in order: a few at once keep GitLab's per-user rate limit in reach.</summary>
public sealed class BacklogItemsApplyConsumerDefinition : ConsumerDefinition<BacklogItemsApplyConsumer>
{
    public BacklogItemsApplyConsumerDefinition()
    {
        EndpointName = "backlog-apply-items";
        ConcurrentMessageLimit = 4;
    }
}
