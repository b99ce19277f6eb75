using System.Text.Json;
using System.Text.RegularExpressions;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using MassTransit;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>
/// Answers the gateway's pipeline requests from GitLab: reads (pipeline, jobs, environments, a job's log from an
/// offset, artifacts piece by piece) and changes (cancel or retry a pipeline; retry, cancel or play a job; stop an
/// environment). GitLab's refusals come back as <see cref="RequestRefused"/> with the contract's code (a job or
/// pipeline not in a state for the action is a 409 <c>conflict</c>). A retry or a play resumes the pipeline's monitor.
/// </summary>
public sealed partial class PipelineApiConsumer(GitLabClients gitlab, PipelineTelemetry metrics, ILogger<PipelineApiConsumer> logger)
    : IConsumer<PipelineQuery>,
        IConsumer<PipelineJobsQuery>,
        IConsumer<EnvironmentsQuery>,
        IConsumer<PipelineActionRequested>,
        IConsumer<JobTraceQuery>,
        IConsumer<JobArtifactsQuery>
{
    /// <summary>The largest piece of an artifact one request may ask for.</summary>
    public const int MaxArtifactChunk = 8 * 1024 * 1024;

    public Task Consume(ConsumeContext<PipelineQuery> context) =>
        AnswerAsync(
            context,
            "gitlab.pipeline.get",
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.CredentialRef,
            async client =>
                Resource(await client.GetPipelineAsync(context.Message.ProjectId, context.Message.PipelineId, context.CancellationToken))
        );

    public Task Consume(ConsumeContext<PipelineJobsQuery> context) =>
        AnswerAsync(
            context,
            "gitlab.pipeline.jobs",
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.CredentialRef,
            async client =>
                Resource(
                    await client
                        .ListPipelineJobsAsync(context.Message.ProjectId, context.Message.PipelineId, context.CancellationToken)
                        .ToListAsync(context.CancellationToken)
                )
        );

    public Task Consume(ConsumeContext<EnvironmentsQuery> context) =>
        AnswerAsync(
            context,
            "gitlab.environments.list",
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.CredentialRef,
            async client =>
                Resource(
                    await client
                        .ListEnvironmentsAsync(context.Message.ProjectId, context.CancellationToken)
                        .ToListAsync(context.CancellationToken)
                )
        );

    public Task Consume(ConsumeContext<PipelineActionRequested> context)
    {
        var request = context.Message;
        return AnswerAsync(
            context,
            SpanName(request.Action),
            new ScopedProject(request.OrgId, request.ProjectId),
            request.CredentialRef,
            async client =>
            {
                var (project, id, cancellationToken) = (request.ProjectId, request.TargetId, context.CancellationToken);
                object answer = request.Action switch
                {
                    PipelineAction.CancelPipeline => Resource(await client.CancelPipelineAsync(project, id, cancellationToken)),
                    PipelineAction.RetryPipeline => Resource(await client.RetryPipelineAsync(project, id, cancellationToken)),
                    PipelineAction.RetryJob => Resource(await client.RetryJobAsync(project, id, cancellationToken)),
                    PipelineAction.CancelJob => Resource(await client.CancelJobAsync(project, id, cancellationToken)),
                    PipelineAction.PlayJob => Resource(await client.PlayJobAsync(project, id, cancellationToken)),
                    PipelineAction.StopEnvironment => Resource(await client.StopEnvironmentAsync(project, id, cancellationToken)),
                    _ => Invalid($"unknown action {request.Action}"),
                };

                if (
                    answer is GitLabResource resource
                    && request.Action is PipelineAction.RetryPipeline or PipelineAction.RetryJob or PipelineAction.PlayJob
                )
                {
                    var pipelineId =
                        request.Action == PipelineAction.RetryPipeline
                            ? id
                            : resource.Body.GetProperty("pipeline").GetProperty("id").GetInt64();
                    await context.Publish(
                        new PipelineMonitoringRequested
                        {
                            ProjectId = project,
                            PipelineId = pipelineId,
                            OrgId = request.OrgId,
                            Reason = request.Action == PipelineAction.PlayJob ? "played" : "retried",
                        },
                        cancellationToken
                    );
                }

                return answer;
            }
        );
    }

    public Task Consume(ConsumeContext<JobTraceQuery> context) =>
        AnswerAsync(
            context,
            "gitlab.job.trace",
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.CredentialRef,
            async client =>
            {
                var query = context.Message;
                if (query.Offset < 0)
                {
                    return Invalid("offset must be 0 or more");
                }

                var trace = await client.GetTraceAsync(query.ProjectId, query.JobId, query.Offset, context.CancellationToken);
                return new JobTraceTail(
                    query.StripAnsi ? Ansi().Replace(trace.Text, "") : trace.Text,
                    trace.Offset,
                    trace.NextOffset,
                    trace.Complete
                );
            }
        );

    public Task Consume(ConsumeContext<JobArtifactsQuery> context) =>
        AnswerAsync(
            context,
            "gitlab.job.artifacts",
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.CredentialRef,
            async client =>
            {
                var query = context.Message;
                if (query.Offset < 0 || query.Length is <= 0 or > MaxArtifactChunk)
                {
                    return Invalid($"offset must be 0 or more and length 1 to {MaxArtifactChunk} bytes");
                }

                // The first piece is asked for without a range: it works for an empty file, and the answer says the file's size.
                var cancellationToken = context.CancellationToken;
                await using var download = await client.DownloadArtifactsAsync(
                    query.ProjectId,
                    query.JobId,
                    query.Path,
                    cancellationToken,
                    query.Offset == 0 ? null : (query.Offset, query.Length)
                );
                if (download.Offset < query.Offset)
                {
                    // A server that ignores ranges sends the file from its start.
                    await SkipAsync(download.Content, query.Offset - download.Offset, cancellationToken);
                }

                var buffer = new byte[query.Length];
                var read = await download.Content.ReadAtLeastAsync(buffer, query.Length, throwOnEndOfStream: false, cancellationToken);
                metrics.ArtifactBytes(read);
                return new ArtifactChunk(
                    buffer[..read],
                    query.Offset,
                    download.TotalLength ?? query.Offset + read,
                    download.ContentType,
                    download.FileName
                );
            }
        );

    private static async Task SkipAsync(Stream content, long count, CancellationToken cancellationToken)
    {
        var scratch = new byte[81_920];
        while (count > 0)
        {
            var read = await content.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count)), cancellationToken);
            if (read == 0)
            {
                return;
            }

            count -= read;
        }
    }

    /// <summary>One span per request (e.g. <c>gitlab.job.retry</c>, the project redacted), and GitLab's refusals logged without
    /// secrets.</summary>
    private async Task AnswerAsync<T>(
        ConsumeContext<T> context,
        string span,
        ScopedProject project,
        string? credentialRef,
        Func<GitLabClient, Task<object>> answer
    )
        where T : class
    {
        using var activity = PipelineTelemetry.Start(span, project);
        await context.AnswerAsync(
            gitlab,
            project.OrgId,
            credentialRef,
            answer,
            refusal =>
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, refusal.Code);
                logger.LogInformation(
                    "GitLab refused {Request} for {Project}: {GitLabStatus} {GitLabMessage}",
                    typeof(T).Name,
                    ProjectRedaction.Redact(project),
                    refusal.GitLabStatus,
                    refusal.Message
                );
            }
        );
    }

    private static string SpanName(PipelineAction action) =>
        action switch
        {
            PipelineAction.CancelPipeline => "gitlab.pipeline.cancel",
            PipelineAction.RetryPipeline => "gitlab.pipeline.retry",
            PipelineAction.RetryJob => "gitlab.job.retry",
            PipelineAction.CancelJob => "gitlab.job.cancel",
            PipelineAction.PlayJob => "gitlab.job.play",
            _ => "gitlab.environment.stop",
        };

    private static GitLabResource Resource<T>(T value) => new(JsonSerializer.SerializeToElement(value, GitLabJson.Options));

    private static RequestRefused Invalid(string message) => new(ErrorCodes.InvalidRequest, message, null);

    // CSI sequences (colours, "erase line") that runners write into job logs.
    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();
}
