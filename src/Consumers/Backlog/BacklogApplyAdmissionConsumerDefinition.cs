using MassTransit;

namespace GitLabBus.Consumers.Backlog;

public sealed class BacklogApplyAdmissionConsumerDefinition : ConsumerDefinition<BacklogApplyAdmissionConsumer>
{
    public BacklogApplyAdmissionConsumerDefinition() => EndpointName = "backlog-apply-admission";
}
