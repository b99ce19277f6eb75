using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Pipelines;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>
/// Answers the gateway's pipeline requests from GitLab: reads (pipeline, jobs, environments, a job's log from an
/// offset) and changes (cancel or retry a pipeline; retry, cancel or play a job; stop an environment). GitLab's
/// refusals come back as <see cref="GitLabRequestRefused"/> with the contract's code; a job that is not in a state
/// for the action is a 409 <c>conflict</c> (GitLab itself answers 403 for that). A retry resumes the pipeline's monitor.
/// </summary>
public sealed partial class PipelineApiConsumer(GitLabClients gitlab, PipelineTelemetry metrics, ILogger<PipelineApiConsumer> logger)
    : IConsumer<PipelineQuery>, IConsumer<PipelineActionRequested>, IConsumer<JobTraceQuery>, IConsumer<JobArtifactsQuery>
{
    /// <summary>The largest piece of an artifact one request may ask for.</summary>
    public const int MaxArtifactChunk = 8 * 1024 * 1024;

    public Task Consume(ConsumeContext<PipelineQuery> context) => AnswerAsync(context, async client =>
    {
        var query = context.Message;
        var cancellationToken = context.CancellationToken;
        return query switch
        {
            { What: "pipeline", PipelineId: { } id } => Resource(await client.GetPipelineAsync(query.ProjectId, id, cancellationToken)),
            { What: "jobs", PipelineId: { } id } => Resource(await client.ListPipelineJobsAsync(query.ProjectId, id, cancellationToken).ToListAsync(cancellationToken)),
            { What: "environments" } => Resource(await client.ListEnvironmentsAsync(query.ProjectId, cancellationToken).ToListAsync(cancellationToken)),
            _ => Invalid($"cannot read '{query.What}'" + (query.PipelineId is null ? " without a pipeline id" : "")),
        };
    });

    public Task Consume(ConsumeContext<PipelineActionRequested> context) => AnswerAsync(context, async client =>
    {
        var request = context.Message;
        var (project, id, cancellationToken) = (request.ProjectId, request.TargetId, context.CancellationToken);
        object answer = (request.Target, request.Action) switch
        {
            ("pipeline", "cancel") => Resource(await client.CancelPipelineAsync(project, id, cancellationToken)),
            ("pipeline", "retry") => Resource(await client.RetryPipelineAsync(project, id, cancellationToken)),
            ("job", "retry") => Resource(await client.RetryJobAsync(project, id, cancellationToken)),
            ("job", "cancel") => Resource(await client.CancelJobAsync(project, id, cancellationToken)),
            ("job", "play") => Resource(await client.PlayJobAsync(project, id, cancellationToken)),
            ("environment", "stop") => Resource(await client.StopEnvironmentAsync(project, id, cancellationToken)),
            _ => Invalid($"cannot {request.Action} a {request.Target}"),
        };

        if (answer is GitLabResource resource && request.Action is "retry" or "play")
        {
            var pipelineId = request.Target == "pipeline" ? id : resource.Body.GetProperty("pipeline").GetProperty("id").GetInt64();
            await context.Publish(new PipelineMonitoringRequested { ProjectId = project, PipelineId = pipelineId, Reason = request.Action == "play" ? "played" : "retried" }, cancellationToken);
        }

        return answer;
    });

    public Task Consume(ConsumeContext<JobTraceQuery> context) => AnswerAsync(context, async client =>
    {
        var query = context.Message;
        if (query.Offset < 0)
        {
            return Invalid("offset must be 0 or more");
        }

        var trace = await client.GetTraceAsync(query.ProjectId, query.JobId, query.Offset, context.CancellationToken);
        return new JobTraceTail(query.StripAnsi ? Ansi().Replace(trace.Text, "") : trace.Text, trace.Offset, trace.NextOffset, trace.Complete);
    });

    public Task Consume(ConsumeContext<JobArtifactsQuery> context) => AnswerAsync(context, async client =>
    {
        var query = context.Message;
        if (query.Offset < 0 || query.Length is <= 0 or > MaxArtifactChunk)
        {
            return Invalid($"offset must be 0 or more and length 1 to {MaxArtifactChunk} bytes");
        }

        // The first piece is asked for without a range: it works for an empty file, and the answer says the file's size.
        var cancellationToken = context.CancellationToken;
        await using var download = await client.DownloadArtifactsAsync(
            query.ProjectId, query.JobId, query.Path, cancellationToken, query.Offset == 0 ? null : (query.Offset, query.Length));
        if (download.Offset < query.Offset)
        {
            // A server that ignores ranges sends the file from its start.
            await SkipAsync(download.Content, query.Offset - download.Offset, cancellationToken);
        }

        var buffer = new byte[query.Length];
        var read = await download.Content.ReadAtLeastAsync(buffer, query.Length, throwOnEndOfStream: false, cancellationToken);
        metrics.ArtifactBytes(read);
        return new ArtifactChunk(buffer[..read], query.Offset, download.TotalLength ?? query.Offset + read, download.ContentType, download.FileName);
    });

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

    private async Task AnswerAsync<T>(ConsumeContext<T> context, Func<GitLabClient, Task<object>> answer)
        where T : class
    {
        object response;
        using var activity = PipelineTelemetry.Start(SpanName(context.Message), ProjectOf(context.Message));
        try
        {
            response = await answer(await gitlab.ForAsync(CredentialOf(context.Message), context.CancellationToken));
        }
        catch (CredentialUnavailableException expired)
        {
            response = new GitLabRequestRefused("unauthorized", expired.Message, null);
        }
        catch (GitLabException refused)
        {
            var (_, code) = refused.ToContractError();
            if (refused.Kind == GitLabErrorKind.Permission && context.Message is PipelineActionRequested { Target: "job" } && NotInState().IsMatch(refused.GitLabMessage))
            {
                code = "conflict";
            }

            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, code);
            logger.LogInformation("GitLab refused {Request} for {Project}: {GitLabStatus} {GitLabMessage}",
                typeof(T).Name, ProjectRedaction.Redact(ProjectOf(context.Message)), (int?)refused.Status, refused.GitLabMessage);
            response = new GitLabRequestRefused(code, refused.GitLabMessage, (int?)refused.Status);
        }

        await context.RespondAsync(response, response.GetType());
    }

    /// <summary>The span of a request: <c>gitlab.pipeline.get</c>, <c>gitlab.job.retry</c>, <c>gitlab.job.trace</c>, <c>gitlab.job.artifacts</c>, ...</summary>
    private static string SpanName(object request) => request switch
    {
        PipelineQuery query => query.What == "pipeline" ? "gitlab.pipeline.get" : $"gitlab.{(query.What == "jobs" ? "pipeline.jobs" : "environments.list")}",
        PipelineActionRequested action => $"gitlab.{action.Target}.{action.Action}",
        JobTraceQuery => "gitlab.job.trace",
        _ => "gitlab.job.artifacts",
    };

    private static string? CredentialOf(object request) => request switch
    {
        PipelineQuery query => query.CredentialRef,
        PipelineActionRequested action => action.CredentialRef,
        JobTraceQuery trace => trace.CredentialRef,
        JobArtifactsQuery artifacts => artifacts.CredentialRef,
        _ => null,
    };

    private static long ProjectOf(object request) => request switch
    {
        PipelineQuery query => query.ProjectId,
        PipelineActionRequested action => action.ProjectId,
        JobTraceQuery trace => trace.ProjectId,
        JobArtifactsQuery artifacts => artifacts.ProjectId,
        _ => 0,
    };

    private static GitLabResource Resource<T>(T value) => new(JsonSerializer.SerializeToElement(value, GitLabJson.Options));

    private static GitLabRequestRefused Invalid(string message) => new("invalid_request", message, null);

    // GitLab's 403s for a job in the wrong state: "Job is not retryable", "Unplayable Job", "Job is not cancelable".
    [GeneratedRegex("not retryable|unplayable|not cancelable|cannot be (retried|canceled|played)", RegexOptions.IgnoreCase)]
    private static partial Regex NotInState();

    // CSI sequences (colours, "erase line") that runners write into job logs.
    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();
}
