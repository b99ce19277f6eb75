using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Startup;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Operations;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GitLabBus.Gateway.Pipelines;

/// <summary>
/// The pipelines API (the gitlab-pipelines contract's): trigger (an operation), read a pipeline with what its monitor
/// tracks, jobs, job logs by offset, cancel, retry, play, environments. Every GitLab call happens in the consumers; what
/// the monitor tracks comes from the sagas role.
/// </summary>
public static class PipelineEndpoints
{
    /// <summary>How long a pipeline read waits for the sagas role's <c>tracked_state</c> before answering without it.</summary>
    private static readonly TimeSpan TrackingWait = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapPipelines(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/gitlab/projects/{project_id}").WithTags("pipelines").RequireAuthorization(Roles.ReadPolicy);
        var write = endpoints.MapGroup("/gitlab/projects/{project_id}").WithTags("pipelines").RequireAuthorization(Roles.WritePolicy);

        write
            .MapPost("/pipelines", Trigger)
            .WithSummary("Trigger a pipeline on a ref; 202 with the operation that reports the new pipeline's id")
            .Produces<OperationAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);
        read.MapGet("/pipelines/{pipeline_id}", GetPipeline)
            .WithSummary("A pipeline as GitLab returns it, plus tracked_state: what its monitor saga knows (null when none tracks it)")
            .Produces<JsonObject>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        read.MapGet("/pipelines/{pipeline_id}/jobs", GetJobs).WithSummary("The pipeline's jobs, as GitLab lists them");
        write.MapPost("/pipelines/{pipeline_id}/cancel", CancelPipeline).WithSummary("Cancel the pipeline's unfinished jobs");
        write
            .MapPost("/pipelines/{pipeline_id}/retry", RetryPipeline)
            .WithSummary("Retry the pipeline's failed and canceled jobs; its monitor follows it again; 409 when GitLab says it cannot")
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        write
            .MapPost("/jobs/{job_id}/retry", RetryJob)
            .WithSummary("Retry a job; 409 when the job is not in a state for it")
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        write
            .MapPost("/jobs/{job_id}/cancel", CancelJob)
            .WithSummary("Cancel a job; 409 when the job is not in a state for it")
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        write
            .MapPost("/jobs/{job_id}/play", PlayJob)
            .WithSummary("Start a manual job; 409 when the job is not in a state for it")
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        read.MapGet("/jobs/{job_id}/trace", Trace)
            .WithSummary(
                "A job's log from ?offset= on (plain text); X-Trace-Offset says where the next read starts, "
                    + "X-Job-Complete whether more can come"
            )
            .Produces<string>(contentType: "text/plain");
        read.MapGet("/jobs/{job_id}/artifacts", ArchiveArtifacts)
            .WithSummary("The job's artifacts archive, streamed through piece by piece")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");
        read.MapGet("/jobs/{job_id}/artifacts/{*path}", FileArtifacts)
            .WithSummary("One file out of the job's artifacts archive, streamed through piece by piece")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        read.MapGet("/environments", GetEnvironments).WithSummary("The project's environments");
        write.MapPost("/environments/{environment_id}/stop", StopEnvironment).WithSummary("Stop an environment");
        return endpoints;
    }

    private static async Task<IResult> Trigger(
        HttpContext http,
        OperationStarter operations,
        ICredentialStore credentials,
        CallerCredential caller,
        string project_id,
        TriggerPipelineRequest? body,
        CancellationToken cancellationToken
    )
    {
        if (ApiError.UnlessProjectId(project_id, out var project) is { } invalid)
        {
            return invalid;
        }

        if (body is null)
        {
            return ApiError.InvalidRequest("a JSON body with ref (and optionally variables) is required");
        }

        if (body.Variables?.Any(v => v is null) == true)
        {
            return ApiError.InvalidRequest("variables must be objects with key and value");
        }

        if (body.Variables?.FirstOrDefault(v => v.Value is null) is { } valueless)
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
            OrgId = caller.OrgId,
            TriggerTokenRef = string.IsNullOrWhiteSpace(body.TriggerToken)
                ? null
                : await credentials.PutAsync(new Credential(body.TriggerToken), cancellationToken),
        };
        if (PipelineTriggerRules.Problem(message) is { } problem)
        {
            return ApiError.InvalidRequest(problem);
        }

        return await operations.StartAsync(
                message.OperationId,
                OperationKinds.PipelineTrigger,
                message,
                new OperationOwner(message.ProjectId, message.OrgId),
                cancellationToken
            ) ?? OperationStarter.Accepted(http, message.OperationId);
    }

    private static async Task<IResult> GetPipeline(
        [AsParameters] PipelineTarget target,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ILoggerFactory loggers,
        CancellationToken cancellationToken
    )
    {
        if (target.Ids(out var project, out var pipeline) is { } invalid)
        {
            return invalid;
        }

        var reading = target.Bus.GetAsync(
            new PipelineQuery
            {
                ProjectId = project,
                PipelineId = pipeline,
                CredentialRef = target.Caller.Ref,
                OrgId = target.Caller.OrgId,
            },
            cancellationToken
        );
        var tracking = target.Bus.TryAskAsync<PipelineTrackingQuery, PipelineTracking>(
            new PipelineTrackingQuery(project, pipeline, target.Caller.OrgId),
            cancellationToken,
            TrackingWait
        );
        var (body, error) = await reading;
        var (tracked, untracked) = await tracking;
        if (error is not null)
        {
            return error;
        }

        if (untracked is { Code: not ErrorCodes.NotFound })
        {
            loggers
                .CreateLogger(typeof(PipelineEndpoints))
                .LogWarning("tracked_state of pipeline {PipelineId} left out: {Reason}", pipeline, untracked.Message);
        }

        var answer = JsonSerializer.SerializeToNode(body)!.AsObject();
        answer["tracked_state"] = tracked is null ? null : JsonSerializer.SerializeToNode(tracked, json.Value.SerializerOptions);
        return Results.Json(answer);
    }

    private static Task<IResult> GetJobs([AsParameters] PipelineTarget target, CancellationToken cancellationToken) =>
        target.Ids(out var project, out var pipeline) is { } invalid
            ? Task.FromResult(invalid)
            : target.Bus.AnswerAsync(
                new PipelineJobsQuery
                {
                    ProjectId = project,
                    PipelineId = pipeline,
                    CredentialRef = target.Caller.Ref,
                    OrgId = target.Caller.OrgId,
                },
                cancellationToken
            );

    private static Task<IResult> CancelPipeline([AsParameters] PipelineTarget target, CancellationToken cancellationToken) =>
        ActAsync(target, PipelineAction.CancelPipeline, cancellationToken);

    private static Task<IResult> RetryPipeline([AsParameters] PipelineTarget target, CancellationToken cancellationToken) =>
        ActAsync(target, PipelineAction.RetryPipeline, cancellationToken);

    private static Task<IResult> RetryJob([AsParameters] JobTarget target, CancellationToken cancellationToken) =>
        ActAsync(target, PipelineAction.RetryJob, cancellationToken);

    private static Task<IResult> CancelJob([AsParameters] JobTarget target, CancellationToken cancellationToken) =>
        ActAsync(target, PipelineAction.CancelJob, cancellationToken);

    private static Task<IResult> PlayJob([AsParameters] JobTarget target, CancellationToken cancellationToken) =>
        ActAsync(target, PipelineAction.PlayJob, cancellationToken);

    private static Task<IResult> StopEnvironment([AsParameters] EnvironmentTarget target, CancellationToken cancellationToken) =>
        ActAsync(target, PipelineAction.StopEnvironment, cancellationToken);

    private static Task<IResult> GetEnvironments(
        BusRequests bus,
        CallerCredential caller,
        string project_id,
        CancellationToken cancellationToken
    ) =>
        ApiError.UnlessProjectId(project_id, out var project) is { } invalid
            ? Task.FromResult(invalid)
            : bus.AnswerAsync(
                new EnvironmentsQuery
                {
                    ProjectId = project,
                    CredentialRef = caller.Ref,
                    OrgId = caller.OrgId,
                },
                cancellationToken
            );

    private static async Task<IResult> Trace(
        [AsParameters] JobTarget target,
        long? offset,
        bool? strip_ansi,
        CancellationToken cancellationToken
    )
    {
        if (target.Ids(out var project, out var job) is { } invalid)
        {
            return invalid;
        }

        if (offset < 0)
        {
            return ApiError.InvalidRequest("offset must be 0 or more");
        }

        var (tail, error) = await target.Bus.AskAsync<JobTraceQuery, JobTraceTail>(
            new JobTraceQuery
            {
                ProjectId = project,
                JobId = job,
                Offset = offset ?? 0,
                StripAnsi = strip_ansi ?? false,
                CredentialRef = target.Caller.Ref,
                OrgId = target.Caller.OrgId,
            },
            cancellationToken
        );
        if (error is not null)
        {
            return error;
        }

        target.Http.Response.Headers["X-Trace-Offset"] = tail!.NextOffset.ToString(CultureInfo.InvariantCulture);
        target.Http.Response.Headers["X-Job-Complete"] = tail.Complete ? "true" : "false";
        return Results.Text(tail.Text, "text/plain; charset=utf-8");
    }

    private static Task<IResult> ArchiveArtifacts(
        [AsParameters] JobTarget target,
        GatewaySettings settings,
        CancellationToken cancellationToken
    ) => ArtifactsAsync(target, settings, null, cancellationToken);

    private static Task<IResult> FileArtifacts(
        [AsParameters] JobTarget target,
        GatewaySettings settings,
        string path,
        CancellationToken cancellationToken
    ) => ArtifactsAsync(target, settings, path, cancellationToken);

    /// <summary>
    /// Asks the consumers for the download piece by piece (<see cref="GatewaySettings.ArtifactChunkBytes"/> each) and
    /// writes each piece before asking for the next: memory stays at one piece whatever the file's size. A failure
    /// once the answer has started aborts the connection, so a client never takes a cut file for a whole one.
    /// </summary>
    private static async Task<IResult> ArtifactsAsync(
        JobTarget target,
        GatewaySettings settings,
        string? path,
        CancellationToken cancellationToken
    )
    {
        if (target.Ids(out var project, out var job) is { } invalid)
        {
            return invalid;
        }

        var query = new JobArtifactsQuery
        {
            ProjectId = project,
            JobId = job,
            Path = path,
            Offset = 0,
            Length = settings.ArtifactChunkBytes,
            CredentialRef = target.Caller.Ref,
            OrgId = target.Caller.OrgId,
        };
        var (first, error) = await target.Bus.AskAsync<JobArtifactsQuery, ArtifactChunk>(query, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        target.Http.Response.ContentLength = first!.TotalLength;
        return Results.Stream(
            async body =>
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

                    var (answer, failed) = await target.Bus.AskAsync<JobArtifactsQuery, ArtifactChunk>(
                        query with
                        {
                            Offset = next,
                        },
                        cancellationToken
                    );
                    if (failed is not null)
                    {
                        target.Http.Abort();
                        return;
                    }

                    chunk = answer!;
                }
            },
            first.ContentType,
            first.FileName ?? (path is null ? "artifacts.zip" : Path.GetFileName(path))
        );
    }

    private static Task<IResult> ActAsync(ITarget target, PipelineAction action, CancellationToken cancellationToken) =>
        target.Ids(out var project, out var id) is { } invalid
            ? Task.FromResult(invalid)
            : target.Bus.AnswerAsync(
                new PipelineActionRequested
                {
                    ProjectId = project,
                    Action = action,
                    TargetId = id,
                    CredentialRef = target.Caller.Ref,
                    OrgId = target.Caller.OrgId,
                },
                cancellationToken
            );

    private static IResult? Ids(string rawProject, string rawId, string name, out long project, out long id)
    {
        id = 0;
        return ApiError.UnlessProjectId(rawProject, out project)
            ?? (long.TryParse(rawId, out id) && id > 0 ? null : ApiError.InvalidRequest($"{name} must be a positive integer"));
    }

    /// <summary>What a request about one thing of a project binds: the project and the thing's id, the caller, the bus.</summary>
    private interface ITarget
    {
        BusRequests Bus { get; }

        CallerCredential Caller { get; }

        /// <summary>The 400 for ids that are not positive integers, else null.</summary>
        IResult? Ids(out long project, out long id);
    }

    private sealed record PipelineTarget(
        BusRequests Bus,
        CallerCredential Caller,
        [FromRoute(Name = "project_id")] string ProjectId,
        [FromRoute(Name = "pipeline_id")] string PipelineId
    ) : ITarget
    {
        public IResult? Ids(out long project, out long id) =>
            PipelineEndpoints.Ids(ProjectId, PipelineId, "pipeline_id", out project, out id);
    }

    private sealed record JobTarget(
        HttpContext Http,
        BusRequests Bus,
        CallerCredential Caller,
        [FromRoute(Name = "project_id")] string ProjectId,
        [FromRoute(Name = "job_id")] string JobId
    ) : ITarget
    {
        public IResult? Ids(out long project, out long id) => PipelineEndpoints.Ids(ProjectId, JobId, "job_id", out project, out id);
    }

    private sealed record EnvironmentTarget(
        BusRequests Bus,
        CallerCredential Caller,
        [FromRoute(Name = "project_id")] string ProjectId,
        [FromRoute(Name = "environment_id")] string EnvironmentId
    ) : ITarget
    {
        public IResult? Ids(out long project, out long id) =>
            PipelineEndpoints.Ids(ProjectId, EnvironmentId, "environment_id", out project, out id);
    }
}

/// <param name="TriggerToken">A pipeline trigger token: the pipeline is then created through GitLab's trigger API (no file
/// variables).</param>
public sealed record TriggerPipelineRequest(string? Ref, IReadOnlyList<TriggerPipelineVariable>? Variables, string? TriggerToken = null);

public sealed record TriggerPipelineVariable(string? Key, string? Value, string? VariableType);
