using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;

namespace GitLabBus.Gateway.MergeQueue;

/// <summary>
/// The merge queue's HTTP side (CONTRACT 7), answered by the consumers over the bus. Today: a project's queue settings,
/// read by anyone with a role and changed by admins and project owners.
/// </summary>
public static class MergeQueueEndpoints
{
    public static IEndpointRouteBuilder MapMergeQueue(this IEndpointRouteBuilder endpoints)
    {
        var queue = endpoints.MapGroup("/gitlab/projects/{project_id}/merge-queue").WithTags("merge queue");
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
        return endpoints;
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

        var (answer, error) = await bus.AskAsync<MergeQueueConfigQuery, MergeQueueConfigAnswer>(
            new MergeQueueConfigQuery { ProjectId = project, CredentialRef = caller.Ref },
            cancellationToken
        );
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
            },
            cancellationToken
        );
        return error ?? Results.Json(answer!.Config);
    }
}
