using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Gateway.Reviews;

/// <summary>
/// Reviews over HTTP (CONTRACT 8): ask for one (an operation the review completes or fails) and read the latest. Writers
/// ask, everyone with a role reads.
/// </summary>
public static class ReviewEndpoints
{
    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder endpoints)
    {
        var review = endpoints.MapGroup("/gitlab/projects/{project_id}/merge-requests/{merge_request_iid}/review").WithTags("reviews");
        review
            .MapPost("", RequestReview)
            .RequireAuthorization(Roles.WritePolicy)
            .WithSummary("Review the merge request's latest commit again (follow the operation); the body may name a command")
            .Produces<ReviewAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        review
            .MapGet("", GetReview)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("The merge request's latest review: the head it covers, its findings and the files it did not read")
            .Produces<ReviewView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> RequestReview(
        HttpContext http,
        string project_id,
        string merge_request_iid,
        ReviewRequestBody? body,
        BusRequests bus,
        OperationStarter operations,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        if (Ids(project_id, merge_request_iid) is { Invalid: { } invalid })
        {
            return invalid;
        }

        var (project, iid, _) = Ids(project_id, merge_request_iid);
        var request = new ReviewRequested
        {
            ProjectId = project,
            MergeRequestIid = iid,
            Command = body?.Command ?? ReviewCommands.Review,
            Question = body?.Question,
            Again = true,
            Source = ReviewSources.Rest,
            RequestedBy = http.User.Identity?.Name,
            OperationId = NewId.NextGuid().ToString(),
            OrgId = caller.OrgId,
        };
        if (request.Command == ReviewCommands.Help)
        {
            return ApiError.InvalidRequest("command must be review, describe or ask (help is for comments)");
        }

        if (ReviewRequestedRules.Problem(request) is { } problem)
        {
            return ApiError.InvalidRequest(problem);
        }

        var (_, missing) = await bus.AskAsync<MergeQueueMergeRequestQuery, MergeQueueMergeRequest>(
            new MergeQueueMergeRequestQuery(project, iid, caller.Ref, caller.OrgId),
            cancellationToken
        );
        if (missing is not null)
        {
            return missing;
        }

        if (
            await operations.StartAsync(
                request.OperationId,
                OperationKinds.Review,
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
        return Results.Json(new ReviewAccepted(request.OperationId), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetReview(
        string project_id,
        string merge_request_iid,
        BusRequests bus,
        CallerCredential caller,
        CancellationToken cancellationToken
    )
    {
        var (project, iid, invalid) = Ids(project_id, merge_request_iid);
        if (invalid is not null)
        {
            return invalid;
        }

        var (review, error) = await bus.AskAsync<ReviewQuery, ReviewView>(new ReviewQuery(project, iid, caller.OrgId), cancellationToken);
        return error ?? Results.Json(review);
    }

    private static (long Project, long Iid, IResult? Invalid) Ids(string projectId, string iid)
    {
        if (ApiError.UnlessProjectId(projectId, out var project) is { } invalid)
        {
            return (0, 0, invalid);
        }

        return long.TryParse(iid, out var number) && number > 0
            ? (project, number, null)
            : (0, 0, ApiError.InvalidRequest("merge_request_iid must be a positive merge request iid"));
    }
}

/// <summary>
/// What <c>POST .../review</c> may say: a command (<c>review</c> by default, <c>describe</c> or <c>ask</c>) and an ask's question.
/// </summary>
public sealed record ReviewRequestBody(string? Command, string? Question);

public sealed record ReviewAccepted(string OperationId);
