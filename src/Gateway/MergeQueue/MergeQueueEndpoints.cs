using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Gateway.MergeQueue;

/// <summary>
/// The merge queue's HTTP side (CONTRACT 7): the queue and its history (from the sagas), entering it (an operation that
/// admission completes), leaving it, a priority, and the project's settings (from the consumers). Everyone with a role
/// reads; writers enter and leave; priorities are for priority managers and admins; settings for admins and project owners.
/// Without <c>target_branch</c>, a read is about the first target branch of the project's settings.
/// </summary>
public static class MergeQueueEndpoints
{
    /// <summary>As much history as a queue keeps.</summary>
    public const int MaxHistoryLimit = 100;

    public static IEndpointRouteBuilder MapMergeQueue(this IEndpointRouteBuilder endpoints)
    {
        var queue = endpoints.MapGroup("/gitlab/projects/{project_id}/merge-queue").WithTags("merge queue");
        queue
            .MapGet("", GetQueue)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("The queue of a target branch: its merge requests in landing order and its running batches")
            .Produces<MergeQueueView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        queue
            .MapPost("", Enqueue)
            .RequireAuthorization(Roles.WritePolicy)
            .WithSummary("Ask for a merge request to enter its target's queue; admission checks it (follow the operation)")
            .Produces<MergeQueueEnqueued>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status403Forbidden)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        queue
            .MapGet("/history", GetHistory)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("Merge requests that left the queue, newest first: merged, rejected or removed, with their batches")
            .Produces<MergeQueueHistory>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        queue
            .MapDelete("/{merge_request_iid}", Remove)
            .RequireAuthorization(Roles.WritePolicy)
            .WithSummary("Take a merge request out of the queue (its labels go; a batch holding it is rebuilt without it)")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        queue
            .MapPut("/{merge_request_iid}/priority", SetPriority)
            .RequireAuthorization(Roles.PrioritisePolicy)
            .WithSummary("Set a queued merge request's priority (higher lands first), effective from the next batch")
            .Produces<MergeQueuePriority>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        queue
            .MapGet("/config", GetConfig)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("The project's merge queue settings (the defaults until someone changes them)")
            .Produces<MergeQueueConfig>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        queue
            .MapPut("/config", PutConfig)
            .RequireAuthorization(Roles.ConfigurePolicy)
            .WithSummary("Replace the project's merge queue settings (fields left out take their defaults); effective from the next batch")
            .Produces<MergeQueueConfig>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        // merge-assist's own path for a project's settings, which here are the merge queue's.
        var project = endpoints.MapGroup("/projects/{project_id}/config").WithTags("merge queue");
        project
            .MapGet("", GetConfig)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("The project's settings (merge-assist's path): the merge queue's, as GET .../merge-queue/config")
            .Produces<MergeQueueConfig>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        project
            .MapPut("", PutConfig)
            .RequireAuthorization(Roles.ConfigurePolicy)
            .WithSummary("Replace the project's settings (merge-assist's path), as PUT .../merge-queue/config")
            .Produces<MergeQueueConfig>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> GetQueue(
        string project_id,
        string? target_branch,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        var (project, target, invalid) = await QueueOfAsync(project_id, target_branch, bus, caller, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var (view, error) = await bus.AskAsync<MergeQueueViewQuery, MergeQueueView>(
            new MergeQueueViewQuery(project, target!, caller.OrgId),
            cancellationToken
        );
        return error ?? Results.Json(view);
    }

    private static async Task<IResult> GetHistory(
        string project_id,
        string? target_branch,
        string? limit,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        var count = 50;
        if (limit is not null && (!int.TryParse(limit, out count) || count is < 1 or > MaxHistoryLimit))
        {
            return ApiError.InvalidRequest($"limit must be a whole number from 1 to {MaxHistoryLimit}");
        }

        var (project, target, invalid) = await QueueOfAsync(project_id, target_branch, bus, caller, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var (history, error) = await bus.AskAsync<MergeQueueHistoryQuery, MergeQueueHistory>(
            new MergeQueueHistoryQuery(project, target!, count, caller.OrgId),
            cancellationToken
        );
        return error ?? Results.Json(history);
    }

    private static async Task<IResult> Enqueue(
        HttpContext http,
        string project_id,
        EnqueueRequest? body,
        BusRequests bus,
        OperationStarter operations,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (ApiError.UnlessProjectId(project_id, out var project) is { } invalid)
        {
            return invalid;
        }

        if (body?.MergeRequestIid is not { } iid)
        {
            return ApiError.InvalidRequest("a JSON body with merge_request_iid (and optionally priority) is required");
        }

        var request = new MrReadyForBatch
        {
            ProjectId = project,
            MergeRequestIid = iid,
            Priority = body.Priority ?? 0,
            RequestedBy = http.User.Identity?.Name,
            Source = MergeQueueSources.Rest,
            CredentialRef = caller.Ref,
            OrgId = caller.OrgId,
            OperationId = NewId.NextGuid().ToString(),
        };
        if (MrReadyForBatchRules.Problem(request) is { } problem)
        {
            return ApiError.InvalidRequest(problem);
        }

        if (request.Priority != 0 && !Roles.Prioritisers.Any(http.User.IsInRole))
        {
            return ApiError.Result(ErrorCodes.Forbidden, "a priority other than 0 needs the priority_manager or admin role");
        }

        var (mr, missing) = await LookUpAsync(project, iid, bus, caller, cancellationToken);
        if (missing is not null)
        {
            return missing;
        }

        var (settings, unknown) = await ConfigAsync(project, bus, caller, cancellationToken);
        if (unknown is not null)
        {
            return unknown;
        }

        if (!settings!.Config.TargetBranches.Contains(mr!.TargetBranch, StringComparer.Ordinal))
        {
            return ApiError.InvalidRequest(
                $"merge request !{iid} targets {mr.TargetBranch}, which has no merge queue "
                    + $"(queued targets: {string.Join(", ", settings.Config.TargetBranches)})"
            );
        }

        if (
            await operations.StartAsync(
                request.OperationId,
                OperationKinds.MergeQueueEnqueue,
                request,
                new OperationOwner(request.ProjectId, request.OrgId),
                cancellationToken
            ) is
            { } unavailable
        )
        {
            return unavailable;
        }

        http.Response.Headers.Location = $"/operations/{request.OperationId}";
        return Results.Json(new MergeQueueEnqueued(iid, request.OperationId), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> Remove(
        HttpContext http,
        string project_id,
        string merge_request_iid,
        BusRequests bus,
        OperationStarter operations,
        CallerCredential caller,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        var (mr, invalid) = await MergeRequestAsync(project_id, merge_request_iid, bus, caller, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var removal = new MrRemovalRequested
        {
            ProjectId = mr!.ProjectId,
            OrgId = caller.OrgId,
            TargetBranch = mr.TargetBranch,
            MergeRequestIid = mr.MergeRequestIid,
            RequestedBy = http.User.Identity?.Name,
            RequestedAt = time.GetUtcNow(),
        };
        return await operations.PublishAsync(removal, cancellationToken) ?? Results.NoContent();
    }

    private static async Task<IResult> SetPriority(
        HttpContext http,
        string project_id,
        string merge_request_iid,
        PriorityRequest? body,
        BusRequests bus,
        OperationStarter operations,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (body?.Priority is not (>= 0 and <= MrReadyForBatchRules.MaxPriority) || body.Priority is not { } priority)
        {
            return ApiError.InvalidRequest($"a JSON body with priority, 0 to {MrReadyForBatchRules.MaxPriority}, is required");
        }

        var (mr, invalid) = await MergeRequestAsync(project_id, merge_request_iid, bus, caller, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var (view, error) = await bus.AskAsync<MergeQueueViewQuery, MergeQueueView>(
            new MergeQueueViewQuery(mr!.ProjectId, mr.TargetBranch, caller.OrgId),
            cancellationToken
        );
        if (error is not null)
        {
            return error;
        }

        if (!view!.Entries.Any(entry => entry.MergeRequestIid == mr.MergeRequestIid))
        {
            return ApiError.NotFound($"merge request !{mr.MergeRequestIid} is not in the {mr.TargetBranch} queue");
        }

        var change = new MrPriorityChangeRequested
        {
            ProjectId = mr.ProjectId,
            OrgId = caller.OrgId,
            TargetBranch = mr.TargetBranch,
            MergeRequestIid = mr.MergeRequestIid,
            Priority = priority,
            RequestedBy = http.User.Identity?.Name,
        };
        return await operations.PublishAsync(change, cancellationToken)
            ?? Results.Json(new MergeQueuePriority(mr.MergeRequestIid, mr.TargetBranch, priority));
    }

    private static async Task<IResult> GetConfig(
        string project_id,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (ApiError.UnlessProjectId(project_id, out var project) is { } invalid)
        {
            return invalid;
        }

        var (answer, error) = await ConfigAsync(project, bus, caller, cancellationToken);
        return error ?? Results.Json(answer!.Config);
    }

    private static async Task<IResult> PutConfig(
        string project_id,
        MergeQueueConfig? body,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (ApiError.UnlessProjectId(project_id, out var project) is { } invalid)
        {
            return invalid;
        }

        if (body is null)
        {
            return ApiError.InvalidRequest("a JSON body with the merge queue settings is required");
        }

        if (MergeQueueConfigRules.Problems(body) is { Count: > 0 } problems)
        {
            return ApiError.Refused(MergeQueueConfigRules.Refusal(problems));
        }

        var (answer, error) = await bus.AskAsync<MergeQueueConfigChangeRequested, MergeQueueConfigAnswer>(
            new MergeQueueConfigChangeRequested
            {
                ProjectId = project,
                Config = body,
                CredentialRef = caller.Ref,
                OrgId = caller.OrgId,
            },
            cancellationToken
        );
        return error ?? Results.Json(answer!.Config);
    }

    /// <summary>The queue a read is about: the named target branch, or the first of the project's settings (404 for a project
    /// GitLab does not show).</summary>
    private static async Task<(long Project, string? Target, IResult? Invalid)> QueueOfAsync(
        string rawProject,
        string? targetBranch,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (ApiError.UnlessProjectId(rawProject, out var project) is { } invalid)
        {
            return (0, null, invalid);
        }

        if (targetBranch is not null)
        {
            return PipelineTriggerRules.RefProblem(targetBranch) is { } problem
                ? (project, null, ApiError.InvalidRequest($"target_branch: {problem}"))
                : (project, targetBranch, null);
        }

        var (answer, error) = await ConfigAsync(project, bus, caller, cancellationToken);
        return (project, answer?.Config.TargetBranches[0], error);
    }

    private static async Task<(MergeQueueMergeRequest? MergeRequest, IResult? Invalid)> MergeRequestAsync(
        string rawProject,
        string rawIid,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (ApiError.UnlessProjectId(rawProject, out var project) is { } invalid)
        {
            return (null, invalid);
        }

        return long.TryParse(rawIid, out var iid) && iid > 0
            ? await LookUpAsync(project, iid, bus, caller, cancellationToken)
            : (null, ApiError.InvalidRequest("merge_request_iid must be a positive merge request iid"));
    }

    private static Task<(MergeQueueConfigAnswer? Answer, IResult? Error)> ConfigAsync(
        long project,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    ) =>
        bus.AskAsync<MergeQueueConfigQuery, MergeQueueConfigAnswer>(
            new MergeQueueConfigQuery
            {
                ProjectId = project,
                CredentialRef = caller.Ref,
                OrgId = caller.OrgId,
            },
            cancellationToken
        );

    private static async Task<(MergeQueueMergeRequest? MergeRequest, IResult? Invalid)> LookUpAsync(
        long project,
        long iid,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    ) =>
        await bus.AskAsync<MergeQueueMergeRequestQuery, MergeQueueMergeRequest>(
            new MergeQueueMergeRequestQuery(project, iid, caller.Ref, caller.OrgId),
            cancellationToken
        );
}

public sealed record EnqueueRequest(long? MergeRequestIid, int? Priority);

public sealed record MergeQueueEnqueued(long MergeRequestIid, string OperationId);

public sealed record PriorityRequest(int? Priority);

public sealed record MergeQueuePriority(long MergeRequestIid, string TargetBranch, int Priority);
