using GitLabBus.Consumers.Backlog;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Embeddings;
using GitLabBus.Runtime.Operations;
using GitLabBus.Runtime.Pipelines;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Embeds the title of every epic and issue of a project and replaces its cached vectors: scans GitLab page after
/// page, embeds in batches of <c>OAI_EMBED_BATCH</c> with <c>OAI_EMBED_CONCURRENCY</c> batches at once, then writes
/// the whole set (new vectors first, stale ones removed after, so readers never see an empty cache). Every step is a
/// seed event; a provider failure ends with an <c>error</c> event and the operation failed as <c>embedding_unavailable</c>.
/// </summary>
public sealed class CacheEmbeddingsConsumer(
    GitLabClients gitlab, IEmbeddingProvider provider, IEmbeddingCache cache, EmbeddingEvents events, IOperationProgress progress,
    EmbeddingSettings settings, ILogger<CacheEmbeddingsConsumer> logger)
    : IConsumer<CacheEmbeddingsRequested>
{
    public async Task Consume(ConsumeContext<CacheEmbeddingsRequested> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        long projectId = 0;
        try
        {
            var client = await gitlab.ForAsync(request.CredentialRef, cancellationToken);
            var project = await client.GetProjectAsync(request.ProjectId, cancellationToken);
            projectId = project.Id;
            await events.PublishAsync(request.OperationId, request.ProjectId, "started", null, cancellationToken);

            var epicsGroup = await BacklogSource.EpicsGroupAsync(client, project, cancellationToken);
            var items = new List<BacklogWorkItem>();
            await foreach (var item in BacklogSource.ListAllAsync(client, project, epicsGroup, cancellationToken))
            {
                items.Add(item);
                if (items.Count % 100 == 0)
                {
                    await events.PublishAsync(request.OperationId, request.ProjectId, "progress", new { scanned = items.Count, total = (int?)null }, cancellationToken);
                }
            }

            await events.PublishAsync(request.OperationId, request.ProjectId, "progress", new { scanned = items.Count, total = items.Count }, cancellationToken);
            var vectors = await EmbedAsync(request.OperationId, request.ProjectId, items, cancellationToken);
            await cache.ReplaceAsync(projectId, vectors, cancellationToken);
            await events.PublishAsync(request.OperationId, request.ProjectId, "cached", new { cached = vectors.Count }, cancellationToken);
            await events.PublishAsync(request.OperationId, request.ProjectId, "completed", null, cancellationToken);
            await progress.CompletedAsync(request.OperationId, new { project_id = projectId.ToString(System.Globalization.CultureInfo.InvariantCulture), cached = vectors.Count, provider = provider.Name }, cancellationToken);
            await context.Publish(new EmbeddingsCached
            {
                OperationId = request.OperationId,
                ProjectId = projectId,
                Cached = vectors.Count,
                Provider = provider.Name,
                Dimensions = vectors.Values.FirstOrDefault()?.Length ?? 0,
            }, cancellationToken);
            logger.LogInformation("Operation {OperationId}: {Cached} title embeddings of {Project} cached by {Provider}",
                request.OperationId, vectors.Count, ProjectRedaction.Redact(projectId), provider.Name);
        }
        catch (EmbeddingUnavailableException unavailable)
        {
            await FailAsync(request, projectId, "embedding_unavailable", unavailable.Message, cancellationToken);
        }
        catch (GitLabException refused) when (refused.Kind is not (GitLabErrorKind.Network or GitLabErrorKind.Server or GitLabErrorKind.RateLimited))
        {
            await FailAsync(request, projectId, refused.ToContractError().Code, $"GitLab refused: {refused.GitLabMessage}", cancellationToken);
        }
        catch (CredentialUnavailableException expired)
        {
            await FailAsync(request, projectId, "unauthorized", expired.Message, cancellationToken);
        }
    }

    private async Task<Dictionary<string, float[]>> EmbedAsync(string operationId, string projectId, List<BacklogWorkItem> items, CancellationToken cancellationToken)
    {
        var vectors = new Dictionary<string, float[]>(items.Count);
        var completed = 0;
        await Parallel.ForEachAsync(
            items.Chunk(settings.Batch),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                var embedded = await provider.EmbedAsync([.. batch.Select(item => item.Title)], token);
                lock (vectors)
                {
                    for (var i = 0; i < batch.Length; i++)
                    {
                        vectors[EmbeddingKeys.WorkItemId(batch[i].Kind, batch[i].Id)] = embedded[i];
                    }
                }

                var done = Interlocked.Add(ref completed, batch.Length);
                await events.PublishAsync(operationId, projectId, "embedded", new { completed = done, total = items.Count }, token);
            });
        return vectors;
    }

    /// <param name="projectId">The resolved id, 0 when GitLab refused before the project was known.</param>
    private async Task FailAsync(CacheEmbeddingsRequested request, long projectId, string code, string message, CancellationToken cancellationToken)
    {
        await events.PublishAsync(request.OperationId, request.ProjectId, "error", new { message }, cancellationToken);
        await progress.FailedAsync(request.OperationId, code, message, cancellationToken);
        logger.LogWarning("Operation {OperationId}: title embeddings of {Project} not cached: {Reason}",
            request.OperationId, projectId == 0 ? "the project" : ProjectRedaction.Redact(projectId), message);
    }
}
