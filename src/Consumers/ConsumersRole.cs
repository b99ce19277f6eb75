using GitLabBus.Consumers.Backlog;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Identity;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Consumers.MergeQueue;
using GitLabBus.Consumers.Pipelines;
using GitLabBus.Consumers.Reviews;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Consumers;

/// <summary>The consumers role: what <c>src/Consumers</c> runs alone and the gateway runs in all-in-one mode.</summary>
public static class ConsumersRole
{
    public const string Name = "consumers";

    /// <summary>Registers the role's services and returns its bus registrations.</summary>
    public static Action<IBusRegistrationConfigurator> AddConsumersRole(this IServiceCollection services, RuntimeSettings settings)
    {
        services.AddGitLab(settings.Reader);
        GitLabHealthCheck.Register(services);
        services.AddMetrics();
        services.AddJobLeases(settings.Redis);
        AddBacklog(services, settings);
        AddPipelines(services);
        AddEmbeddings(services, settings);
        AddMergeQueue(services, settings);
        AddReviews(services, settings);
        AddOrganisations(services, settings);
        return bus =>
        {
            bus.AddConsumer<GitLabHealthConsumer, GitLabHealthConsumerDefinition>();
            bus.AddConsumer<GitLabConnectConsumer, GitLabConnectConsumerDefinition>();
            bus.AddConsumer<OrgGitLabConsumer, OrgGitLabConsumerDefinition>();
            bus.AddConsumer<TaskLinkHookConsumer, TaskLinkHookConsumerDefinition>();
            bus.AddConsumer<WebhookRouterConsumer, WebhookRouterConsumerDefinition>();
            bus.AddConsumer<PipelineTriggerConsumer, PipelineTriggerConsumerDefinition>();
            bus.AddConsumer<PipelinePollConsumer, PipelinePollConsumerDefinition>();
            bus.AddConsumer<PipelineApiConsumer, PipelineApiConsumerDefinition>();
            bus.AddConsumer<PipelineMetricsConsumer, PipelineMetricsConsumerDefinition>();
            bus.AddConsumer<BacklogApiConsumer, BacklogApiConsumerDefinition>();
            bus.AddConsumer<BacklogApplyAdmissionConsumer, BacklogApplyAdmissionConsumerDefinition>();
            bus.AddConsumer<BacklogItemsApplyConsumer, BacklogItemsApplyConsumerDefinition>();
            bus.AddConsumer<BacklogApplyOutcomeConsumer, BacklogApplyOutcomeConsumerDefinition>();
            bus.AddConsumer<CacheEmbeddingsConsumer, CacheEmbeddingsConsumerDefinition>();
            bus.AddConsumer<SimilarWorkItemsConsumer, SimilarWorkItemsConsumerDefinition>();
            bus.AddConsumer<MergeQueueAdmissionConsumer, MergeQueueAdmissionConsumerDefinition>();
            bus.AddConsumer<MergeBatchStepConsumer, MergeBatchStepConsumerDefinition>();
            bus.AddConsumer<MergeQueueEntryConsumer, MergeQueueEntryConsumerDefinition>();
            bus.AddConsumer<MergeQueueConfigConsumer, MergeQueueConfigConsumerDefinition>();
            bus.AddConsumer<MergeQueueNoticeConsumer, MergeQueueNoticeConsumerDefinition>();
            bus.AddConsumer<MergeQueueMetricsConsumer, MergeQueueMetricsConsumerDefinition>();
            bus.AddConsumer<MergeQueueLookupConsumer, MergeQueueLookupConsumerDefinition>();
            bus.AddConsumer<ReviewTriggerConsumer, ReviewTriggerConsumerDefinition>();
            bus.AddConsumer<ReviewConsumer, ReviewConsumerDefinition>();
            bus.AddConsumer<ReviewLookupConsumer, ReviewLookupConsumerDefinition>();
        };
    }

    private static void AddBacklog(IServiceCollection services, RuntimeSettings settings)
    {
        services.AddSingleton(BacklogApplySettings.Read(settings.Reader));
        services.AddSingleton<DuplicateWarnings>();
        services.AddStore<IBacklogApplyLedger, InMemoryBacklogApplyLedger, RedisBacklogApplyLedger>(settings.Redis);
        services.AddSingleton<IMessageRules<BacklogApplyAdmissionRequested>, BacklogApplyAdmissionRules>();
        services.AddSingleton<IMessageRules<BacklogItemsApplyRequested>, BacklogItemsApplyRequestRules>();
        services.AddSingleton<BacklogApplyEndRules>();
        services.AddSingleton<IMessageRules<BacklogApplied>>(provider => provider.GetRequiredService<BacklogApplyEndRules>());
        services.AddSingleton<IMessageRules<BacklogApplyFailed>>(provider => provider.GetRequiredService<BacklogApplyEndRules>());
    }

    private static void AddMergeQueue(IServiceCollection services, RuntimeSettings settings)
    {
        services.AddStore<IMergeQueueConfigStore, InMemoryMergeQueueConfigStore, RedisMergeQueueConfigStore>(settings.Redis);
        services.AddScoped<MergeQueueWatcher>();
        var queue = MergeQueueSettings.Read(settings.Reader);
        services.TryAddSingleton(queue);
        if (queue.WatcherOn)
        {
            services.AddRecurringJob<MergeQueueWatcher>(settings.Redis, MergeQueueWatcher.JobName, queue.WatchInterval);
        }

        services.TryAddSingleton<MergeQueueTelemetry>();
        services.AddSingleton<IMessageRules<MrReadyForBatch>, MrReadyForBatchMessageRules>();
        services.AddSingleton<MergeBatchStepRules>();
        services.AddSingleton<IMessageRules<MergeBatchBuildRequested>>(provider => provider.GetRequiredService<MergeBatchStepRules>());
        services.AddSingleton<IMessageRules<MergeBatchLandRequested>>(provider => provider.GetRequiredService<MergeBatchStepRules>());
        services.AddSingleton<IMessageRules<MergeBatchCleanUpRequested>>(provider => provider.GetRequiredService<MergeBatchStepRules>());
    }

    private static void AddReviews(IServiceCollection services, RuntimeSettings settings)
    {
        var reviews = ReviewSettings.Read(settings.Reader);
        services.AddSingleton(reviews);
        if (reviews.UsesModel)
        {
            services.AddSingleton(LlmReviewer.Create(reviews));
        }

        services.AddScoped<ReviewPoller>();
        if (reviews.PollInterval > TimeSpan.Zero)
        {
            services.AddRecurringJob<ReviewPoller>(settings.Redis, ReviewPoller.JobName, reviews.PollInterval);
        }

        services.AddStore<IReviewStore, InMemoryReviewStore, RedisReviewStore>(settings.Redis);
        services.AddSingleton<IMessageRules<ReviewRequested>, ReviewRequestedMessageRules>();
        services.TryAddSingleton<ReviewTelemetry>();
    }

    private static void AddOrganisations(IServiceCollection services, RuntimeSettings settings)
    {
        var links = TaskLinkSettings.Read(settings.Reader);
        services.AddSingleton(links);
        services.TryAddSingleton<OrgGitLabClients>();
        services.AddStore<ITaskLinkStore, InMemoryTaskLinkStore, RedisTaskLinkStore>(settings.Redis);
        services.AddScoped<TaskLinkRefresher>();
        if (links.RefreshOn)
        {
            services.AddRecurringJob<TaskLinkRefresher>(settings.Redis, TaskLinkRefresher.JobName, links.Interval);
        }
    }

    private static void AddPipelines(IServiceCollection services)
    {
        services.TryAddSingleton<PipelineTelemetry>();
    }

    private static void AddEmbeddings(IServiceCollection services, RuntimeSettings settings)
    {
        var embeddings = EmbeddingSettings.Read(settings.Reader);
        services.AddSingleton(embeddings);
        services.TryAddSingleton(EmbeddingChannel.Read(settings.Reader));
        services.AddStore<IEmbeddingCache, InMemoryEmbeddingCache, RedisEmbeddingCache>(settings.Redis);
        services.AddSingleton<IEmbeddingProvider>(
            embeddings.Provider switch
            {
                "minilm" => new MiniLmEmbeddingProvider(embeddings),
                "local" => new LocalEmbeddingProvider(),
                _ => new OpenAIEmbeddingProvider(embeddings),
            }
        );
        services.AddSingleton<EmbeddingEvents>();
        services.AddSingleton<SimilarityIndex>();
        services.AddSingleton<SimilarWorkItemSearch>();
        EmbeddingHealthCheck.Register(services.AddHealthChecks());
    }
}
