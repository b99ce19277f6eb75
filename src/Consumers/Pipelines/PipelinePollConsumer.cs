using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>
/// Reads a pipeline, its current jobs and its bridges from GitLab's API and publishes what it saw as
/// <see cref="PipelinePolled"/>. GitLab's answer is authoritative but can be older than a webhook already
/// applied: the monitor merges it without ever moving a final status back.
/// Polls act with the service token (an organisation's, for its pipelines): a monitor outlives the caller's token.
/// </summary>
public sealed class PipelinePollConsumer(GitLabClients gitlab, ILogger<PipelinePollConsumer> logger) : IConsumer<PipelinePollRequested>
{
    public async Task Consume(ConsumeContext<PipelinePollRequested> context)
    {
        var (projectId, pipelineId, orgId) = (context.Message.ProjectId, context.Message.PipelineId, context.Message.OrgId);
        var cancellationToken = context.CancellationToken;
        using var activity = PipelineTelemetry.Start("gitlab.pipeline.poll", new ScopedProject(orgId, projectId));
        GitLabClient client;
        GitLabBus.GitLab.Models.GitLabPipeline pipeline;
        try
        {
            client = await gitlab.ForAsync(orgId, credentialRef: null, cancellationToken);
            pipeline = await client.GetPipelineAsync(projectId, pipelineId, cancellationToken);
        }
        catch (Exception gone) when (gone is GitLabException { Kind: GitLabErrorKind.NotFound } or CredentialUnavailableException)
        {
            if (gone is CredentialUnavailableException)
            {
                // The organisation's GitLab was removed: nothing can be learnt of the pipeline any more.
                logger.LogWarning(
                    "Pipeline {PipelineId} of organisation {OrgId}: {Reason}; its monitor ends",
                    pipelineId,
                    orgId,
                    gone.Message
                );
            }

            await context.Publish(
                new PipelinePolled
                {
                    ProjectId = projectId,
                    PipelineId = pipelineId,
                    OrgId = orgId,
                    Found = false,
                },
                cancellationToken
            );
            return;
        }

        var jobs = await client
            .ListPipelineJobsAsync(projectId, pipelineId, cancellationToken)
            .Select(job => new PipelineJobSummary(job.Id, job.Name, job.Stage, job.Status, job.AllowFailure, job.Duration))
            .ToListAsync(cancellationToken);
        var downstream = await client
            .ListPipelineBridgesAsync(projectId, pipelineId, cancellationToken)
            .Where(bridge => bridge.DownstreamPipeline is not null)
            .Select(bridge => new DownstreamPipeline(
                bridge.DownstreamPipeline!.ProjectId,
                bridge.DownstreamPipeline.Id,
                bridge.DownstreamPipeline.Status,
                bridge.Name
            ))
            .ToListAsync(cancellationToken);

        await context.Publish(
            new PipelinePolled
            {
                ProjectId = projectId,
                PipelineId = pipelineId,
                OrgId = orgId,
                Status = pipeline.Status,
                Ref = pipeline.Ref,
                Sha = pipeline.Sha,
                WebUrl = pipeline.WebUrl,
                CreatedAt = pipeline.CreatedAt,
                StartedAt = pipeline.StartedAt,
                FinishedAt = pipeline.FinishedAt,
                DurationSeconds = pipeline.Duration,
                Jobs = jobs,
                Downstream = downstream,
            },
            cancellationToken
        );
    }
}
