using System.Text.Json;
using System.Text.Json.Nodes;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Startup;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Pipelines;
using GitLabBus.Sagas.Inspection;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace GitLabBus.Gateway.Pipelines;

/// <summary>
/// The pipelines API (seed <c>gitlab-pipelines</c>): trigger (an operation), read a pipeline with what its monitor
/// tracks, jobs, job logs by offset, cancel, retry, play, environments. Every GitLab call happens in the consumers.
/// </summary>
public static class PipelineEndpoints
{
    public static IEndpointRouteBuilder MapPipelines(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/gitlab/projects/{project_id}").WithTags("pipelines").RequireAuthorization(Roles.ReadPolicy);
        var write = endpoints.MapGroup("/gitlab/projects/{project_id}").WithTags("pipelines").RequireAuthorization(Roles.WritePolicy);

        write.MapPost("/pipelines", Trigger)
            .WithSummary("Trigger a pipeline on a ref; 202 with the operation that reports the new pipeline's id")
            .Produces<OperationAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);

        read.MapGet("/pipelines/{pipeline_id}", GetPipeline)
            .WithSummary("A pipeline as GitLab returns it, plus tracked_state: what its monitor saga knows (null when none tracks it)")
            .Produces<JsonObject>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        read.MapGet("/pipelines/{pipeline_id}/jobs", (GitLabRequests gitlab, CallerCredential caller, string project_id, string pipeline_id, CancellationToken cancellationToken) =>
                Ids(project_id, pipeline_id, "pipeline_id", out var project, out var pipeline)
                ?? gitlab.AnswerAsync(new PipelineQuery { ProjectId = project, PipelineId = pipeline, What = "jobs", CredentialRef = caller.Ref }, cancellationToken))
            .WithSummary("The pipeline's jobs, as GitLab lists them");

        foreach (var action in new[] { "cancel", "retry" })
        {
            write.MapPost($"/pipelines/{{pipeline_id}}/{action}", (GitLabRequests gitlab, CallerCredential caller, string project_id, string pipeline_id, CancellationToken cancellationToken) =>
                    Ids(project_id, pipeline_id, "pipeline_id", out var project, out var pipeline)
                    ?? gitlab.AnswerAsync(new PipelineActionRequested { ProjectId = project, Target = "pipeline", TargetId = pipeline, Action = action, CredentialRef = caller.Ref }, cancellationToken))
                .WithSummary(action == "cancel" ? "Cancel the pipeline's unfinished jobs" : "Retry the pipeline's failed and canceled jobs; its monitor follows it again");
        }

        foreach (var action in new[] { "retry", "cancel", "play" })
        {
            write.MapPost($"/jobs/{{job_id}}/{action}", (GitLabRequests gitlab, CallerCredential caller, string project_id, string job_id, CancellationToken cancellationToken) =>
                    Ids(project_id, job_id, "job_id", out var project, out var job)
                    ?? gitlab.AnswerAsync(new PipelineActionRequested { ProjectId = project, Target = "job", TargetId = job, Action = action, CredentialRef = caller.Ref }, cancellationToken))
                .WithSummary($"{char.ToUpperInvariant(action[0])}{action[1..]} a job; 409 when GitLab says the job is not in a state for it")
                .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        }

        read.MapGet("/jobs/{job_id}/trace", Trace)
            .WithSummary("A job's log from ?offset= on (plain text); X-Trace-Offset says where the next read starts, X-Job-Complete whether more can come")
            .Produces<string>(contentType: "text/plain");

        read.MapGet("/jobs/{job_id}/artifacts", (HttpContext http, GitLabRequests gitlab, CallerCredential caller, GatewaySettings settings, string project_id, string job_id, CancellationToken cancellationToken) =>
                Artifacts(http, gitlab, caller, settings, project_id, job_id, null, cancellationToken))
            .WithSummary("The job's artifacts archive, streamed through piece by piece")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");

        read.MapGet("/jobs/{job_id}/artifacts/{*path}", (HttpContext http, GitLabRequests gitlab, CallerCredential caller, GatewaySettings settings, string project_id, string job_id, string path, CancellationToken cancellationToken) =>
                Artifacts(http, gitlab, caller, settings, project_id, job_id, path, cancellationToken))
            .WithSummary("One file out of the job's artifacts archive, streamed through piece by piece")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");

        read.MapGet("/environments", (GitLabRequests gitlab, CallerCredential caller, string project_id, CancellationToken cancellationToken) =>
                ProjectId(project_id, out var project) ?? gitlab.AnswerAsync(new PipelineQuery { ProjectId = project, What = "environments", CredentialRef = caller.Ref }, cancellationToken))
            .WithSummary("The project's environments");

        write.MapPost("/environments/{environment_id}/stop", (GitLabRequests gitlab, CallerCredential caller, string project_id, string environment_id, CancellationToken cancellationToken) =>
                Ids(project_id, environment_id, "environment_id", out var project, out var environment)
                ?? gitlab.AnswerAsync(new PipelineActionRequested { ProjectId = project, Target = "environment", TargetId = environment, Action = "stop", CredentialRef = caller.Ref }, cancellationToken))
            .WithSummary("Stop an environment");
        return endpoints;
    }

    private static async Task<IResult> Trigger(
        HttpContext http, OperationStarter operations, ICredentialStore credentials, CallerCredential caller,
        string project_id, TriggerPipelineRequest? body, CancellationToken cancellationToken)
    {
        if (ProjectId(project_id, out var project) is { } invalid)
        {
            return await invalid;
        }

        if (body is null)
        {
            return ApiError.InvalidRequest("a JSON body with ref (and optionally variables) is required");
        }

        if (body.Variables?.FirstOrDefault(v => v is null || v.Value is null) is { } valueless)
        {
            return ApiError.InvalidRequest($"variable {valueless.Key} needs a value");
        }

        var message = new PipelineTriggered
        {
            OperationId = NewId.NextGuid().ToString(),
            ProjectId = project,
            Ref = body.Ref ?? "",
            Variables = [.. (body.Variables ?? []).Select(v => new PipelineVariable(v.Key ?? "", v.Value!, v.VariableType ?? "env_var"))],
            CredentialRef = caller.Ref,
            TriggerTokenRef = string.IsNullOrWhiteSpace(body.TriggerToken) ? null : await credentials.PutAsync(new GitLabToken(body.TriggerToken), cancellationToken),
        };

        if (PipelineTriggerRules.Problem(message) is { } problem)
        {
            return ApiError.InvalidRequest(problem);
        }

        if (await operations.StartAsync(message.OperationId, "pipeline_trigger", message, cancellationToken) is { } refused)
        {
            return refused;
        }

        return OperationStarter.Accepted(http, message.OperationId);
    }

    private static async Task<IResult> GetPipeline(
        GitLabRequests gitlab, CallerCredential caller, SagaInspector sagas, IOptions<JsonOptions> json, string project_id, string pipeline_id, CancellationToken cancellationToken)
    {
        if (Ids(project_id, pipeline_id, "pipeline_id", out var project, out var pipeline) is { } invalid)
        {
            return await invalid;
        }

        var (body, error) = await gitlab.GetAsync(new PipelineQuery { ProjectId = project, PipelineId = pipeline, What = "pipeline", CredentialRef = caller.Ref }, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var answer = JsonSerializer.SerializeToNode(body)!.AsObject();
        var tracked = await TrackedState.ReadAsync(sagas, project, pipeline, cancellationToken);
        answer["tracked_state"] = tracked is null ? null : JsonSerializer.SerializeToNode(tracked, json.Value.SerializerOptions);
        return Results.Json(answer);
    }

    private static async Task<IResult> Trace(
        HttpContext http, GitLabRequests gitlab, CallerCredential caller, string project_id, string job_id, long? offset, bool? strip_ansi, CancellationToken cancellationToken)
    {
        if (Ids(project_id, job_id, "job_id", out var project, out var job) is { } invalid)
        {
            return await invalid;
        }

        if (offset < 0)
        {
            return ApiError.InvalidRequest("offset must be 0 or more");
        }

        var (tail, error) = await gitlab.AskAsync<JobTraceQuery, JobTraceTail>(
            new JobTraceQuery { ProjectId = project, JobId = job, Offset = offset ?? 0, StripAnsi = strip_ansi ?? false, CredentialRef = caller.Ref }, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        http.Response.Headers["X-Trace-Offset"] = tail!.NextOffset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Job-Complete"] = tail.Complete ? "true" : "false";
        return Results.Text(tail.Text, "text/plain; charset=utf-8");
    }

    /// <summary>
    /// Asks the consumers for the download piece by piece (<see cref="GatewaySettings.ArtifactChunkBytes"/> each) and
    /// writes each piece before asking for the next: memory stays at one piece whatever the file's size. A failure
    /// once the answer has started aborts the connection, so a client never takes a cut file for a whole one.
    /// </summary>
    private static async Task<IResult> Artifacts(
        HttpContext http, GitLabRequests gitlab, CallerCredential caller, GatewaySettings settings, string project_id, string job_id, string? path, CancellationToken cancellationToken)
    {
        if (Ids(project_id, job_id, "job_id", out var project, out var job) is { } invalid)
        {
            return await invalid;
        }

        var query = new JobArtifactsQuery { ProjectId = project, JobId = job, Path = path, Offset = 0, Length = settings.ArtifactChunkBytes, CredentialRef = caller.Ref };
        var (first, error) = await gitlab.AskAsync<JobArtifactsQuery, ArtifactChunk>(query, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        http.Response.ContentLength = first!.TotalLength;
        return Results.Stream(async body =>
        {
            var chunk = first;
            while (true)
            {
                await body.WriteAsync(chunk.Data, cancellationToken);
                var next = chunk.Offset + chunk.Data.Length;
                if (next >= chunk.TotalLength || chunk.Data.Length == 0)
                {
                    return;
                }

                var (answer, failed) = await gitlab.AskAsync<JobArtifactsQuery, ArtifactChunk>(query with { Offset = next }, cancellationToken);
                if (failed is not null)
                {
                    http.Abort();
                    return;
                }

                chunk = answer!;
            }
        }, first.ContentType, first.FileName ?? (path is null ? "artifacts.zip" : Path.GetFileName(path)));
    }

    private static Task<IResult>? ProjectId(string raw, out long project) =>
        long.TryParse(raw, out project) && project > 0 ? null : Task.FromResult(ApiError.InvalidRequest("project_id must be a positive GitLab project id"));

    private static Task<IResult>? Ids(string rawProject, string rawId, string name, out long project, out long id)
    {
        id = 0;
        return ProjectId(rawProject, out project)
            ?? (long.TryParse(rawId, out id) && id > 0 ? null : Task.FromResult(ApiError.InvalidRequest($"{name} must be a positive integer")));
    }
}

/// <param name="TriggerToken">A pipeline trigger token: the pipeline is then created through GitLab's trigger API (no file variables).</param>
public sealed record TriggerPipelineRequest(string? Ref, IReadOnlyList<TriggerPipelineVariable>? Variables, string? TriggerToken = null);

public sealed record TriggerPipelineVariable(string? Key, string? Value, string? VariableType);

