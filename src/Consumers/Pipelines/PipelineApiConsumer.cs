using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>
/// Answers the gateway's pipeline requests from GitLab: reads (pipeline, jobs, environments, a job's log from an
/// offset) and changes (cancel or retry a pipeline; retry, cancel or play a job; stop an environment). GitLab's
/// refusals come back as <see cref="GitLabRequestRefused"/> with the contract's code; a job that is not in a state
/// for the action is a 409 <c>conflict</c> (GitLab itself answers 403 for that). A retry resumes the pipeline's monitor.
/// </summary>
public sealed partial class PipelineApiConsumer(GitLabClientFactory gitlab, ILogger<PipelineApiConsumer> logger)
    : IConsumer<PipelineQuery>, IConsumer<PipelineActionRequested>, IConsumer<JobTraceQuery>
{
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

    private async Task AnswerAsync<T>(ConsumeContext<T> context, Func<GitLabClient, Task<object>> answer)
        where T : class
    {
        object response;
        try
        {
            response = await answer(gitlab.Create());
        }
        catch (GitLabException refused)
        {
            var (_, code) = refused.ToContractError();
            if (refused.Kind == GitLabErrorKind.Permission && context.Message is PipelineActionRequested { Target: "job" } && NotInState().IsMatch(refused.GitLabMessage))
            {
                code = "conflict";
            }

            logger.LogInformation("GitLab refused {Request}: {GitLabStatus} {GitLabMessage}", typeof(T).Name, (int?)refused.Status, refused.GitLabMessage);
            response = new GitLabRequestRefused(code, refused.GitLabMessage, (int?)refused.Status);
        }

        await context.RespondAsync(response, response.GetType());
    }

    private static GitLabResource Resource<T>(T value) => new(JsonSerializer.SerializeToElement(value, GitLabJson.Options));

    private static GitLabRequestRefused Invalid(string message) => new("invalid_request", message, null);

    // GitLab's 403s for a job in the wrong state: "Job is not retryable", "Unplayable Job", "Job is not cancelable".
    [GeneratedRegex("not retryable|unplayable|not cancelable|cannot be (retried|canceled|played)", RegexOptions.IgnoreCase)]
    private static partial Regex NotInState();

    // CSI sequences (colours, "erase line") that runners write into job logs.
    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();
}
