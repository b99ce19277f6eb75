using GitLabBus.Consumers.Embeddings;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab.Models;
using MassTransit;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// Answers the gateway's backlog reads from GitLab: a page of the backlog (epics of the project's nearest group that
/// has epics, then the project's issues, both filtered by GitLab, embeddings from the cache only, those of the model the
/// consumers run now), project paths, and
/// the projects a caller may see.
/// </summary>
public sealed class BacklogApiConsumer(GitLabClients gitlab, IEmbeddingCache embeddings, IEmbeddingProvider provider)
    : IConsumer<BacklogQuery>,
        IConsumer<ProjectResolveQuery>,
        IConsumer<ProjectListQuery>
{
    public Task Consume(ConsumeContext<BacklogQuery> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.OrgId,
            context.Message.CredentialRef,
            async client =>
            {
                var query = context.Message;
                var cancellationToken = context.CancellationToken;
                var project = await client.GetProjectAsync(query.ProjectId, cancellationToken);
                var filter = new WorkItemFilter
                {
                    State = query.State,
                    Labels = query.Labels,
                    Search = query.Search,
                };
                var epicsGroup = await BacklogSource.EpicsGroupAsync(client, project, cancellationToken);

                var page = await BacklogPaging.ReadAsync(
                    query.Page,
                    query.PerPage,
                    epicsGroup is null
                        ? null
                        : (gitLabPage, perPage) =>
                            client.GetEpicsPageAsync(epicsGroup.Value, filter, gitLabPage, perPage, cancellationToken),
                    (gitLabPage, perPage) => client.GetIssuesPageAsync(project.Id, filter, gitLabPage, perPage, cancellationToken)
                );

                var items = page.Epics.Select(BacklogSource.WorkItem).Concat(page.Issues.Select(BacklogSource.WorkItem)).ToList();
                var cached = await embeddings.GetManyAsync(
                    new ScopedProject(query.OrgId, project.Id),
                    provider.Model,
                    [.. items.Select(item => EmbeddingKeys.WorkItemId(item.Kind, item.Id))],
                    cancellationToken
                );
                return new BacklogPage(
                    [
                        .. items.Select(item =>
                            item with
                            {
                                TitleEmbedding = cached.GetValueOrDefault(EmbeddingKeys.WorkItemId(item.Kind, item.Id)),
                            }
                        ),
                    ],
                    query.Page,
                    query.PerPage,
                    page.NextPage,
                    query.Page > 1 ? query.Page - 1 : null,
                    page.Total,
                    epicsGroup is null
                );
            }
        );

    public Task Consume(ConsumeContext<ProjectResolveQuery> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.OrgId,
            context.Message.CredentialRef,
            async client =>
            {
                var project = await client.GetProjectAsync(context.Message.Path, context.CancellationToken);
                return new ResolvedProject(
                    project.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    project.PathWithNamespace,
                    project.Name,
                    project.WebUrl
                );
            }
        );

    public Task Consume(ConsumeContext<ProjectListQuery> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.CredentialRef,
            async client =>
            {
                var cancellationToken = context.CancellationToken;
                var listed = new List<ListedProject>();
                if (context.Message.ProjectIds?.Distinct().Order().ToList() is { } granted)
                {
                    foreach (var id in granted.Take(ProjectListQuery.MaxProjects))
                    {
                        try
                        {
                            listed.Add(Listed(await client.GetProjectAsync(id, cancellationToken)));
                        }
                        catch (GitLab.GitLabException gone) when (gone.Kind == GitLab.GitLabErrorKind.NotFound)
                        {
                            // Granted, but deleted since (or not visible to the service): nothing to list.
                        }
                    }

                    return new ProjectList(listed, granted.Count > ProjectListQuery.MaxProjects);
                }

                await foreach (var project in client.ListMemberProjectsAsync(cancellationToken))
                {
                    if (listed.Count == ProjectListQuery.MaxProjects)
                    {
                        return new ProjectList(listed, true);
                    }

                    listed.Add(Listed(project));
                }

                return new ProjectList(listed, false);
            }
        );

    private static ListedProject Listed(GitLabProject project) => new(project.Id, project.Name, project.PathWithNamespace, project.WebUrl);
}
