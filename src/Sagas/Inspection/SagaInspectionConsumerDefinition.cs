using MassTransit;

namespace GitLabBus.Sagas.Inspection;

public sealed class SagaInspectionConsumerDefinition : ConsumerDefinition<SagaInspectionConsumer>
{
    public SagaInspectionConsumerDefinition() => EndpointName = "saga-inspection";
}
