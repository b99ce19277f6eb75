using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>
/// Creates the pipeline in GitLab, completes the operation with its id and announces <see cref="PipelineCreated"/>.
/// GitLab's refusals (unknown ref, no permission, a state conflict) fail the operation with the contract's error code
/// (<see cref="GitLabFailures"/>); GitLab unreachable is thrown, so the message comes back later. A message breaking
/// <see cref="PipelineTriggerRules"/> faults at once (<c>_error</c>, and <c>Fault&lt;PipelineTriggered&gt;</c> for whoever sent it).
/// Redelivery never creates a second pipeline: an operation already completed is announced again from its result,
/// and every pipeline we create carries the variable <see cref="OperationVariable"/>, so a redelivery after a crash
/// between GitLab's answer and our record finds the pipeline in GitLab before creating another.
/// </summary>
public sealed class PipelineTriggerConsumer(
    GitLabClients gitlab,
    IOperationProgress progress,
    PipelineTelemetry metrics,
    ILogger<PipelineTriggerConsumer> logger
) : IConsumer<PipelineTriggered>
{
    public const string OperationVariable = "GITLABBUS_OPERATION_ID";

    public async Task Consume(ConsumeContext<PipelineTriggered> context)
    {
        var request = context.Message;
        if (PipelineTriggerRules.Problem(request) is { } problem)
        {
            throw new InvalidMessageException($"PipelineTriggered for operation {request.OperationId}: {problem}");
        }

        var cancellationToken = context.CancellationToken;
        var events = await progress.ReadAsync(request.OperationId, cancellationToken);
        if (OperationView.From(request.OperationId, events) is { Status: "completed" or "failed" } done)
        {
            logger.LogInformation("Operation {OperationId} already {Status}; not triggering again", request.OperationId, done.Status);
            if (done.Result is { } result && result.TryGetProperty("pipeline_id", out var pipelineId))
            {
                var client = await gitlab.ForAsync(request.OrgId, credentialRef: null, cancellationToken);
                await AnnounceAsync(
                    context,
                    request,
                    await client.GetPipelineAsync(request.ProjectId, pipelineId.GetInt64(), cancellationToken)
                );
            }

            return;
        }

        if (events.Count == 0)
        {
            await progress.StartedAsync(
                request.OperationId,
                OperationKinds.PipelineTrigger,
                cancellationToken,
                new OperationOwner(request.ProjectId, request.OrgId)
            );
        }

        var project = new ScopedProject(request.OrgId, request.ProjectId);
        using var activity = PipelineTelemetry.Start("gitlab.pipeline.trigger", project);
        try
        {
            var client = await gitlab.ForAsync(request.OrgId, request.CredentialRef, cancellationToken);
            var pipeline = MayHaveRunBefore(context) ? await FindOursAsync(client, request, cancellationToken) : null;
            pipeline ??= await CreateAsync(client, request, cancellationToken);

            await progress.CompletedAsync(
                request.OperationId,
                new { pipeline_id = pipeline.Id, web_url = pipeline.WebUrl },
                cancellationToken
            );
            await AnnounceAsync(context, request, pipeline);
            metrics.Triggered(request.Ref);
            activity?.SetTag("gitlab.pipeline_id", pipeline.Id);
            logger.LogInformation(
                "Operation {OperationId}: pipeline {PipelineId} created on {Ref} of {Project}",
                request.OperationId,
                pipeline.Id,
                request.Ref,
                ProjectRedaction.Redact(project)
            );
        }
        catch (Exception failure) when (GitLabFailures.IsRefusal(failure))
        {
            var refusal = GitLabFailures.Refusal(failure, "GitLab refused the pipeline");
            await progress.FailedAsync(request.OperationId, refusal, cancellationToken);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, refusal.Code);
            logger.LogWarning(
                "Operation {OperationId}: no pipeline on {Ref} of {Project}: {Code} ({GitLabStatus}: {Reason})",
                request.OperationId,
                request.Ref,
                ProjectRedaction.Redact(project),
                refusal.Code,
                refusal.GitLabStatus,
                refusal.Message
            );
        }
    }

    private static Task AnnounceAsync(ConsumeContext context, PipelineTriggered request, GitLabPipeline pipeline) =>
        context.Publish(
            new PipelineCreated
            {
                OperationId = request.OperationId,
                OrgId = request.OrgId,
                ProjectId = pipeline.ProjectId,
                PipelineId = pipeline.Id,
                PipelineIid = pipeline.Iid,
                Ref = pipeline.Ref,
                Sha = pipeline.Sha,
                Status = pipeline.Status,
                Source = pipeline.Source,
                WebUrl = pipeline.WebUrl,
                CreatedAt = pipeline.CreatedAt,
            },
            context.CancellationToken
        );

    /// <summary>With a trigger token, through GitLab's trigger API (variables as <c>variables[KEY]</c>); else the pipelines API.</summary>
    private async Task<GitLabPipeline> CreateAsync(GitLabClient client, PipelineTriggered request, CancellationToken cancellationToken)
    {
        if (request.TriggerTokenRef is { } triggerRef)
        {
            var variables = request.Variables.ToDictionary(v => v.Key, v => v.Value);
            variables[OperationVariable] = request.OperationId;
            return await client.TriggerPipelineAsync(
                request.ProjectId,
                await gitlab.TokenAsync(triggerRef, cancellationToken),
                request.Ref,
                variables,
                cancellationToken
            );
        }

        return await client.CreatePipelineAsync(
            request.ProjectId,
            new NewGitLabPipeline(request.Ref)
            {
                Variables =
                [
                    .. request.Variables.Select(v => new GitLabPipelineVariable(v.Key, v.Value, v.VariableType)),
                    new(OperationVariable, request.OperationId),
                ],
            },
            cancellationToken
        );
    }

    /// <summary>Redelivered by the broker, or retried here: the previous attempt may have reached GitLab.</summary>
    private static bool MayHaveRunBefore(ConsumeContext context) =>
        context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0 || context.GetRedeliveryCount() > 0;

    /// <summary>A recent pipeline on the ref that carries this operation's id.</summary>
    private async Task<GitLabPipeline?> FindOursAsync(GitLabClient client, PipelineTriggered request, CancellationToken cancellationToken)
    {
        var recent = await client.GetPipelinesPageAsync(request.ProjectId, request.Ref, null, 1, 20, cancellationToken);
        foreach (var candidate in recent.Items)
        {
            var variables = await client.GetPipelineVariablesAsync(request.ProjectId, candidate.Id, cancellationToken);
            if (variables.Any(v => v.Key == OperationVariable && v.Value == request.OperationId))
            {
                logger.LogInformation(
                    "Operation {OperationId}: pipeline {PipelineId} was created by an earlier attempt; reusing it",
                    request.OperationId,
                    candidate.Id
                );
                return await client.GetPipelineAsync(request.ProjectId, candidate.Id, cancellationToken);
            }
        }

        return null;
    }
}
