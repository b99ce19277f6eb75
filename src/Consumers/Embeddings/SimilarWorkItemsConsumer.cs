using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// Answers <c>backlog/similar</c> and <c>backlog/duplicates</c>: the project is read from GitLab as the caller (so the caller may
/// see it, and a path becomes the id the cache is kept under), then searched in the cached titles.
/// </summary>
public sealed class SimilarWorkItemsConsumer(GitLabClients gitlab, SimilarWorkItemSearch search) : IConsumer<SimilarWorkItemsQuery>
{
    public Task Consume(ConsumeContext<SimilarWorkItemsQuery> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.OrgId,
            context.Message.CredentialRef,
            async client =>
            {
                var query = context.Message;
                var project = await client.GetProjectAsync(query.ProjectId, context.CancellationToken);
                try
                {
                    var (matches, unavailable) = await search.FindAsync(
                        new ScopedProject(query.OrgId, project.Id),
                        query.Texts,
                        query.Limit,
                        (float)query.MinScore,
                        null,
                        context.CancellationToken
                    );
                    return matches is null
                        ? new RequestRefused(ErrorCodes.Conflict, unavailable!, null)
                        : new SimilarWorkItems(search.Model, [.. matches.Select(forText => forText.Select(Named).ToList())]);
                }
                catch (EmbeddingUnavailableException failed)
                {
                    return new RequestRefused(ErrorCodes.EmbeddingUnavailable, failed.Message, null);
                }
            }
        );

    private static SimilarWorkItem Named(SimilarTitle match) =>
        new(match.Title.Kind, match.Title.Id, match.Title.Title, match.Title.WebUrl, Math.Round(match.Score, 4));
}
