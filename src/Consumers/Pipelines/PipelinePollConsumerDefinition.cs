using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>Polls are cheap to repeat and come in bursts when webhooks stop for many pipelines: more of them at once.</summary>
public sealed class PipelinePollConsumerDefinition : ConsumerDefinition<PipelinePollConsumer>
{
    public PipelinePollConsumerDefinition()
    {
        EndpointName = "pipeline-poll";
        ConcurrentMessageLimit = 32;
    }
}
