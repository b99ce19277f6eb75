using GitLabBus.Consumers.Pipelines;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Runtime.GitLab;
using GitLabBus.Runtime.Settings;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Consumers;

/// <summary>The consumers role: what <c>src/Consumers</c> runs alone and the gateway runs in all-in-one mode.</summary>
public static class ConsumersRole
{
    public const string Name = "consumers";

    /// <summary>Registers the role's services and returns its bus registrations.</summary>
    public static Action<IBusRegistrationConfigurator> AddConsumersRole(this IServiceCollection services, RuntimeSettings settings)
    {
        services.AddGitLab(GitLabSettings.Read(settings.Reader));
        return bus =>
        {
            bus.AddConsumer<WebhookRouterConsumer, WebhookRouterConsumerDefinition>();
            bus.AddConsumer<PipelineTriggerConsumer, PipelineTriggerConsumerDefinition>();
            bus.AddConsumer<PipelinePollConsumer, PipelinePollConsumerDefinition>();
            bus.AddConsumer<PipelineApiConsumer, PipelineApiConsumerDefinition>();
        };
    }
}
