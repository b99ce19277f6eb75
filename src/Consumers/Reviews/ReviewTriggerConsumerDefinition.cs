using MassTransit;

namespace GitLabBus.Consumers.Reviews;

public sealed class ReviewTriggerConsumerDefinition : ConsumerDefinition<ReviewTriggerConsumer>
{
    public ReviewTriggerConsumerDefinition() => EndpointName = "review-triggers";
}
