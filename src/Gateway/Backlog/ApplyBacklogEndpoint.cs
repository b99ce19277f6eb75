using System.Text.Json;
using System.Text.Json.Nodes;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Startup;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Gateway.Backlog;

/// <summary>
/// <c>POST /gitlab/projects/{project_id}/apply-backlog[?dry_run=true]</c> with the gitlab_client_service contract's
/// <c>ApplyBacklogRequest</c>: the
/// request is checked, the backlog consumers admit it (they keep the prompts' ledger, see
/// <see cref="BacklogApplyAdmissionRequested"/>), and the answer waits up to <c>APPLY_SYNC_TIMEOUT_SECONDS</c> for the
/// operation to end: that contract's <c>ApplyBacklogResponse</c>, the failure's error body, or <c>202</c> with the operation to
/// follow. A prompt applied before answers its first response with <c>Idempotent-Replayed: true</c>.
/// </summary>
public static class ApplyBacklogEndpoint
{
    public static RouteHandlerBuilder MapApplyBacklog(this IEndpointRouteBuilder endpoints) =>
        endpoints
            .MapPost("/gitlab/projects/{project_id}/apply-backlog", ApplyAsync)
            .WithTags("backlog")
            .RequireAuthorization(Roles.WritePolicy)
            .WithSummary(
                "Create or update the backlog's epics then issues in GitLab, once per prompt_id; dry_run=true plans without writing"
            )
            .Produces<ApplyBacklogResponse>()
            .Produces<OperationAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ApplyAsync(
        [AsParameters] ApplyBacklogServices services,
        CallerCredential caller,
        string project_id,
        bool? dry_run,
        ApplyBacklogRequest? body,
        CancellationToken cancellationToken
    )
    {
        if (body is null)
        {
            return ApiError.InvalidRequest("send the backlog as JSON: {\"prompt_id\", \"epics\": [...], \"issues\": [...]}");
        }

        if (string.IsNullOrWhiteSpace(body.PromptId))
        {
            return ApiError.Result(ErrorCodes.IdempotencyKeyRequired, "prompt_id is required: it makes the apply idempotent");
        }

        var message = body.ToMessage(project_id, dry_run ?? false, caller);
        var problem =
            body.ProjectId is { Length: > 0 } named && ProjectNames.Canonical(named) != ProjectNames.Canonical(project_id)
                ? "project_id in the body must name the project of the path"
                : BacklogApplyRules.Problem(message);
        if (problem is not null)
        {
            return ApiError.InvalidRequest(problem);
        }

        var (admitted, held, refused) = await services.Consumers.AskAsync<
            BacklogApplyAdmissionRequested,
            BacklogApplyAdmitted,
            BacklogApplyHeld
        >(new BacklogApplyAdmissionRequested { Apply = message }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (held is not null)
        {
            services.Http.Response.Headers["Idempotent-Replayed"] = "true";
            if (held.Response is { } earlier)
            {
                return Answered(services.Http, earlier.ToJson(), held.OperationId);
            }
        }

        return await AnswerAsync(services, held?.OperationId ?? admitted!.OperationId, cancellationToken);
    }

    /// <summary>The operation's end if it comes within <c>APPLY_SYNC_TIMEOUT_SECONDS</c>, else the <c>202</c> to follow it.</summary>
    private static async Task<IResult> AnswerAsync(ApplyBacklogServices services, string operationId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(services.Settings.ApplySyncTimeout);
        try
        {
            await foreach (var next in services.Progress.FollowAsync(operationId, null, timeout.Token))
            {
                if (next.Final)
                {
                    return next.Type == OperationEventTypes.Completed
                        ? Answered(services.Http, next.Data, operationId)
                        : ApiError.OperationFailed(next.Data);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Still running after the wait: the caller follows the operation.
        }

        return OperationStarter.Accepted(services.Http, operationId);
    }

    /// <summary>
    /// The seed's <c>ApplyBacklogResponse</c> with the operation it was: its <c>operation_id</c> beside the results (and at
    /// <c>Location</c>), so a synchronous answer can be looked up later as a 202 would be.
    /// </summary>
    private static IResult Answered(HttpContext http, JsonElement? response, string operationId)
    {
        var body = response is { ValueKind: JsonValueKind.Object } data ? JsonObject.Create(data)! : [];
        body["operation_id"] = operationId;
        http.Response.Headers.Location = $"/operations/{operationId}";
        return Results.Json(body);
    }

    /// <summary>What the handler works with, bound as one parameter (eShop's <c>OrderServices</c>).</summary>
    private sealed record ApplyBacklogServices(
        HttpContext Http,
        BusRequests Consumers,
        IOperationProgress Progress,
        GatewaySettings Settings
    );
}

/// <summary>The gitlab_client_service contract's <c>ApplyBacklogRequest</c>: <c>project_id</c> (optional here: the path names the project),
/// <c>prompt_id</c>, epics,
/// issues.</summary>
public sealed record ApplyBacklogRequest(
    string? ProjectId,
    string? PromptId,
    string? InternalProjectId,
    IReadOnlyList<ApplyBacklogEpic?>? Epics,
    IReadOnlyList<ApplyBacklogIssue?>? Issues
)
{
    public BacklogApplyRequested ToMessage(string projectId, bool dryRun, CallerCredential caller) =>
        new()
        {
            OperationId = NewId.NextGuid().ToString(),
            ProjectId = projectId,
            PromptId = PromptId ?? "",
            InternalProjectId = InternalProjectId,
            Epics =
            [
                .. (Epics ?? []).Select(epic =>
                    epic is null
                        ? null!
                        : new BacklogEpicInput
                        {
                            Id = epic.Id,
                            Title = epic.Title ?? "",
                            Description = epic.Description ?? "",
                            Labels = epic.Labels ?? [],
                        }
                ),
            ],
            Issues =
            [
                .. (Issues ?? []).Select(issue =>
                    issue is null
                        ? null!
                        : new BacklogIssueInput
                        {
                            Id = issue.Id,
                            Title = issue.Title ?? "",
                            Description = issue.Description ?? "",
                            Labels = issue.Labels ?? [],
                            EpicId = issue.EpicId,
                        }
                ),
            ],
            DryRun = dryRun,
            CredentialRef = caller.Ref,
            OrgId = caller.OrgId,
        };
}

/// <summary>An epic to create (<c>id</c> null) or update (<c>id</c> as the backlog lists it).</summary>
public sealed record ApplyBacklogEpic(string? Id, string? Title, string? Description, IReadOnlyList<string>? Labels);

/// <summary>An issue; <c>epic_id</c> is an existing epic's id or <c>new:&lt;n&gt;</c> for the n-th epic of the request.</summary>
public sealed record ApplyBacklogIssue(string? Id, string? Title, string? Description, IReadOnlyList<string>? Labels, string? EpicId);
