using GitLabBus.Consumers.Backlog;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Embeds the title of every epic and issue of a project and replaces its cached vectors: scans GitLab page after
/// page, embeds in batches of <c>OAI_EMBED_BATCH</c> with <c>OAI_EMBED_CONCURRENCY</c> batches at once, writing each
/// batch's vectors (with their model and what a similarity answer names) as they come, then removes the stale ones (so readers
/// never see an empty cache) and completes the run, which sends every replica's similarity index to read the project again. Every step is a
/// gitlab_client_service contract event (progress at most twice a second, <see cref="ProgressThrottle"/>); a provider failure ends with an
/// <c>error</c> event and the
/// operation failed as <c>embedding_unavailable</c>.
/// </summary>
public sealed class CacheEmbeddingsConsumer(
    GitLabClients gitlab,
    IEmbeddingProvider provider,
    IEmbeddingCache cache,
    EmbeddingEvents events,
    EmbeddingSettings settings,
    TimeProvider time,
    ILogger<CacheEmbeddingsConsumer> logger
) : IConsumer<CacheEmbeddingsRequested>
{
    public async Task Consume(ConsumeContext<CacheEmbeddingsRequested> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        ScopedProject? projectId = null;
        try
        {
            var client = await gitlab.ForAsync(request.OrgId, request.CredentialRef, cancellationToken);
            var project = await client.GetProjectAsync(request.ProjectId, cancellationToken);
            projectId = new ScopedProject(request.OrgId, project.Id);
            await events.PublishAsync(request, "started", null, cancellationToken);

            var epicsGroup = await BacklogSource.EpicsGroupAsync(client, project, cancellationToken);
            var titles = new List<CachedTitle>();
            var scanning = new ProgressThrottle(time);
            await foreach (var item in BacklogSource.ListAllAsync(client, project, epicsGroup, cancellationToken))
            {
                titles.Add(new CachedTitle(item.Kind, item.Id, item.Iid, item.Title, item.WebUrl, item.State, []));
                if (scanning.Due())
                {
                    await events.PublishAsync(request, "progress", new { scanned = titles.Count, total = (int?)null }, cancellationToken);
                }
            }

            await events.PublishAsync(request, "progress", new { scanned = titles.Count, total = titles.Count }, cancellationToken);
            var dimensions = await EmbedAndWriteAsync(request, projectId.Value, titles, cancellationToken);
            await cache.CompleteRunAsync(
                projectId.Value,
                provider.Model,
                titles.Select(item => item.WorkItemId).ToHashSet(),
                cancellationToken
            );
            await events.PublishAsync(request, "cached", new { cached = titles.Count }, cancellationToken);
            // The seed's last event is the operation's end: its result rides on it.
            await events.PublishAsync(
                request,
                OperationEventTypes.Completed,
                new
                {
                    cached = titles.Count,
                    provider = provider.Name,
                    model = provider.Model,
                },
                cancellationToken
            );
            await context.Publish(
                new EmbeddingsCached
                {
                    OperationId = request.OperationId,
                    ProjectId = project.Id,
                    OrgId = request.OrgId,
                    Cached = titles.Count,
                    Provider = provider.Name,
                    Model = provider.Model,
                    Dimensions = dimensions,
                },
                cancellationToken
            );
            logger.LogInformation(
                "Operation {OperationId}: {Cached} title embeddings of {Project} cached by {Model}",
                request.OperationId,
                titles.Count,
                ProjectRedaction.Redact(projectId.Value),
                provider.Model
            );
        }
        catch (EmbeddingUnavailableException unavailable)
        {
            await FailAsync(request, projectId, ErrorCodes.EmbeddingUnavailable, unavailable.Message, cancellationToken);
        }
        catch (Exception failure) when (GitLabFailures.IsRefusal(failure))
        {
            var refusal = GitLabFailures.Refusal(failure, "GitLab refused");
            await FailAsync(request, projectId, refusal.Code, refusal.Message, cancellationToken);
        }
    }

    /// <summary>
    /// Embeds the titles batch by batch, several batches at once, and writes each batch's vectors as soon as it has them:
    /// only the titles and the batches in flight are held, whatever the project's size. Returns the vectors' dimensions.
    /// </summary>
    private async Task<int> EmbedAndWriteAsync(
        CacheEmbeddingsRequested request,
        ScopedProject projectId,
        List<CachedTitle> titles,
        CancellationToken cancellationToken
    )
    {
        var dimensions = 0;
        var completed = 0;
        var embedding = new ProgressThrottle(time);
        await Parallel.ForEachAsync(
            titles.Chunk(settings.Batch),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                var embedded = (await provider.EmbedAsync([.. batch.Select(item => item.Title)], token)).Normalised();
                var vectors = batch.Select((item, i) => item with { Vector = embedded[i] });
                await cache.WriteAsync(projectId, provider.Model, [.. vectors], token);
                Interlocked.Exchange(ref dimensions, embedded.FirstOrDefault()?.Length ?? 0);
                var done = Interlocked.Add(ref completed, batch.Length);
                if (done == titles.Count || embedding.Due())
                {
                    await events.PublishAsync(request, "embedded", new { completed = done, total = titles.Count }, token);
                }
            }
        );
        return dimensions;
    }

    /// <param name="projectId">The resolved project, null when GitLab refused before it was known.</param>
    private async Task FailAsync(
        CacheEmbeddingsRequested request,
        ScopedProject? projectId,
        string code,
        string message,
        CancellationToken cancellationToken
    )
    {
        await events.PublishAsync(request, OperationEventTypes.Error, new { code, message }, cancellationToken);
        logger.LogWarning(
            "Operation {OperationId}: title embeddings of {Project} not cached: {Reason}",
            request.OperationId,
            projectId is { } known ? ProjectRedaction.Redact(known) : "the project",
            message
        );
    }
}
