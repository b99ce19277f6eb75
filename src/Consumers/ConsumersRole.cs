using GitLabBus.Consumers.Backlog;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Consumers.Pipelines;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Backlog;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Embeddings;
using GitLabBus.Runtime.GitLab;
using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Pipelines;
using GitLabBus.Runtime.Settings;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Consumers;

/// <summary>The consumers role: what <c>src/Consumers</c> runs alone and the gateway runs in all-in-one mode.</summary>
public static class ConsumersRole
{
    public const string Name = "consumers";

    /// <summary>Registers the role's services and returns its bus registrations.</summary>
    public static Action<IBusRegistrationConfigurator> AddConsumersRole(this IServiceCollection services, RuntimeSettings settings)
    {
        services.AddGitLab(GitLabSettings.Read(settings.Reader));
        services.AddMetrics();
        services.TryAddSingleton<PipelineTelemetry>();
        services.TryAddSingleton<GitLabClients>();
        services.AddJobLeases(settings.Redis);
        services.AddSingleton<IMessageRules<BacklogItemsApplyRequested>, BacklogItemsApplyRequestRules>();
        services.AddSingleton<BacklogApplyEndRules>();
        services.AddSingleton<IMessageRules<BacklogApplied>>(provider => provider.GetRequiredService<BacklogApplyEndRules>());
        services.AddSingleton<IMessageRules<BacklogApplyFailed>>(provider => provider.GetRequiredService<BacklogApplyEndRules>());
        AddEmbeddings(services, settings);
        return bus =>
        {
            bus.AddConsumer<WebhookRouterConsumer, WebhookRouterConsumerDefinition>();
            bus.AddConsumer<PipelineTriggerConsumer, PipelineTriggerConsumerDefinition>();
            bus.AddConsumer<PipelinePollConsumer, PipelinePollConsumerDefinition>();
            bus.AddConsumer<PipelineApiConsumer, PipelineApiConsumerDefinition>();
            bus.AddConsumer<PipelineMetricsConsumer, PipelineMetricsConsumerDefinition>();
            bus.AddConsumer<BacklogApiConsumer, BacklogApiConsumerDefinition>();
            bus.AddConsumer<BacklogItemsApplyConsumer, BacklogItemsApplyConsumerDefinition>();
            bus.AddConsumer<BacklogApplyOutcomeConsumer, BacklogApplyOutcomeConsumerDefinition>();
            bus.AddConsumer<CacheEmbeddingsConsumer, CacheEmbeddingsConsumerDefinition>();
        };
    }

    private static void AddEmbeddings(IServiceCollection services, RuntimeSettings settings)
    {
        var embeddings = EmbeddingSettings.Read(settings.Reader);
        services.AddSingleton(embeddings);
        services.TryAddSingleton(EmbeddingChannel.Read(settings.Reader));
        services.AddSingleton<IEmbeddingProvider>(embeddings.Provider == "local" ? new LocalEmbeddingProvider() : new OpenAIEmbeddingProvider(embeddings));
        services.AddSingleton<EmbeddingEvents>();
        EmbeddingHealthCheck.Register(services.AddHealthChecks());
    }
}
