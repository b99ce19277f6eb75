using MassTransit;

namespace GitLabBus.Consumers.Reviews;

public sealed class ReviewConsumerDefinition : ConsumerDefinition<ReviewConsumer>
{
    public ReviewConsumerDefinition() => EndpointName = "reviews";
}
