using MassTransit;

namespace GitLabBus.Consumers.Reviews;

public sealed class ReviewLookupConsumerDefinition : ConsumerDefinition<ReviewLookupConsumer>
{
    public ReviewLookupConsumerDefinition() => EndpointName = "review-lookup";
}
