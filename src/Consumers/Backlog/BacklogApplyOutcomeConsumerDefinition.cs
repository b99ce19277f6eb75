using MassTransit;

namespace GitLabBus.Consumers.Backlog;

public sealed class BacklogApplyOutcomeConsumerDefinition : ConsumerDefinition<BacklogApplyOutcomeConsumer>
{
    public BacklogApplyOutcomeConsumerDefinition() => EndpointName = "backlog-apply-outcome";
}
