using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Webhooks;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// Organisations with a GitLab of their own (CONTRACT 9, seed integrations, the same paths): its configuration (the token
/// and the webhook secret write-only: kept encrypted and as a hash, never answered), a check of its token, links from its
/// tasks to issues and merge requests, its webhook endpoint, and the audit of every change. Open to admins and to tokens
/// whose <c>orgs</c> claim names the organisation; viewers read, writers change links, admins and project owners the
/// configuration.
/// </summary>
public static class OrganisationEndpoints
{
    public static IEndpointRouteBuilder MapOrganisations(this IEndpointRouteBuilder endpoints)
    {
        // Every id a path names is checked once, here, after authorization; the webhook answers a malformed one as a wrong
        // secret instead, so it is mapped beside the group.
        var org = endpoints.MapGroup("/api/orgs/{org_id}").WithTags("organisations").AddEndpointFilter(ValidRouteIds);
        org.MapGet("/integrations/gitlab", GetIntegration)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("The organisation's GitLab: its address, whether a token and a webhook secret are set, the last change")
            .Produces<OrgIntegrationView>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        org.MapPut("/integrations/gitlab", PutIntegration)
            .RequireAuthorization(Roles.ConfigurePolicy)
            .WithSummary(
                "Set the organisation's GitLab: base_url, token and webhook_secret (write-only; both required the first time, kept "
                    + "when left out later)"
            )
            .Produces<OrgIntegrationView>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        org.MapDelete("/integrations/gitlab", DeleteIntegration)
            .RequireAuthorization(Roles.ConfigurePolicy)
            .WithSummary("Forget the organisation's GitLab, its token and its webhook secret")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        org.MapPost("/integrations/gitlab/validate", Validate)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("Ask the organisation's GitLab who its token is (GitLab's /user)")
            .Produces<OrgGitLabValidated>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        endpoints
            .MapPost("/api/orgs/{org_id}/integrations/gitlab/webhook", Webhook)
            .WithTags("organisations")
            .AllowAnonymous()
            .WithSummary("The organisation's GitLab webhook: checked against its secret; the same answers as /webhooks/gitlab")
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .Produces<WebhookAccepted>(StatusCodes.Status200OK)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);
        org.MapGet("/tasks/{task_id}/gitlab-links", ListLinks)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("A task's links to issues and merge requests, with their cached metadata")
            .Produces<TaskLinkList>();
        org.MapPost("/tasks/{task_id}/gitlab-links", AddLink)
            .RequireAuthorization(Roles.WritePolicy)
            .WithSummary("Link a task to an issue or merge request: {url}, or {project_path, gitlab_iid, kind: issue|merge_request}")
            .Produces<TaskLink>(StatusCodes.Status201Created)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        org.MapDelete("/tasks/{task_id}/gitlab-links/{link_id}", RemoveLink)
            .RequireAuthorization(Roles.WritePolicy)
            .WithSummary("Remove a task's link")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        org.MapGet("/audit", Audit)
            .RequireAuthorization(Roles.ReadPolicy)
            .WithSummary("The organisation's configuration changes, newest first (limit, default 50, at most 1000)")
            .Produces<OrgAuditList>();
        return endpoints;
    }

    private static async Task<IResult> GetIntegration(IOrgIntegrationStore integrations, string org_id, CancellationToken cancellationToken)
    {
        return await integrations.GetAsync(org_id, cancellationToken) is { } integration
            ? Results.Ok(OrgIntegrationView.Of(integration))
            : NoIntegration(org_id);
    }

    private static async Task<IResult> PutIntegration(
        HttpContext http,
        IOrgIntegrationStore integrations,
        IOrgAuditLog audit,
        BusRequests bus,
        TimeProvider time,
        string org_id,
        OrgIntegrationRequest? body,
        CancellationToken cancellationToken
    )
    {
        var existing = await integrations.GetAsync(org_id, cancellationToken);
        if (body?.BaseUrl is not { } baseUrl || !IsInstanceUrl(baseUrl, out var instance))
        {
            return ApiError.InvalidRequest("base_url must be GitLab's http or https address, without credentials, query or fragment");
        }

        var token = body.Token ?? existing?.Token.Reveal(value => value);
        var secretHash = body.WebhookSecret is { } secret ? OrgIntegration.HashSecret(secret) : existing?.WebhookSecretHash;
        if (token is not { Length: > 0 and <= 1_024 } || token.Any(char.IsWhiteSpace))
        {
            return ApiError.InvalidRequest("token is required (a GitLab access token of at most 1024 characters)");
        }

        if (secretHash is null || body.WebhookSecret is { Length: < 16 or > 1_024 })
        {
            return ApiError.InvalidRequest(
                "webhook_secret is required: 16 to 1024 characters, the secret token of the organisation's hook"
            );
        }

        var (address, unanswered) = await bus.AskAsync<OrgGitLabAddressQuery, OrgGitLabAddressChecked>(
            new(instance.Host),
            cancellationToken
        );
        if (unanswered is not null)
        {
            return unanswered;
        }

        if (!address!.Reachable)
        {
            return ApiError.InvalidRequest(
                $"base_url's host {instance.Host} does not resolve to a public address (loopback, link-local and private networks "
                    + "are refused unless OUTBOUND_ALLOW_PRIVATE_NETWORKS=true)"
            );
        }

        var integration = new OrgIntegration(org_id, instance, new Credential(token), secretHash, time.GetUtcNow(), Actor(http));
        await integrations.SaveAsync(integration, cancellationToken);
        var changed = new List<string>();
        if (existing is null || existing.BaseUrl != instance)
        {
            changed.Add("base_url");
        }

        if (body.Token is not null)
        {
            changed.Add("token");
        }

        if (body.WebhookSecret is not null)
        {
            changed.Add("webhook_secret");
        }

        await RecordAsync(
            audit,
            http,
            org_id,
            existing is null ? "gitlab.configured" : "gitlab.changed",
            new { base_url = instance.ToString(), changed },
            time,
            cancellationToken
        );
        return Results.Ok(OrgIntegrationView.Of(integration));
    }

    private static async Task<IResult> DeleteIntegration(
        HttpContext http,
        IOrgIntegrationStore integrations,
        IOrgAuditLog audit,
        TimeProvider time,
        string org_id,
        CancellationToken cancellationToken
    )
    {
        if (!await integrations.DeleteAsync(org_id, cancellationToken))
        {
            return NoIntegration(org_id);
        }

        await RecordAsync(audit, http, org_id, "gitlab.removed", null, time, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> Validate(BusRequests bus, string org_id, CancellationToken cancellationToken)
    {
        var (answer, error) = await bus.AskAsync<OrgGitLabValidateQuery, OrgGitLabValidated>(new(org_id), cancellationToken);
        return error ?? Results.Ok(answer);
    }

    private static async Task<IResult> Webhook(
        HttpContext http,
        IOrgIntegrationStore integrations,
        WebhookIngest ingest,
        WebhookSettings settings,
        string org_id,
        CancellationToken cancellationToken
    )
    {
        if (
            InvalidId(org_id, "org_id") is not null
            || await integrations.GetAsync(org_id, cancellationToken) is not { } integration
            || !integration.SecretMatches(http.Request.Headers[GitLabHeaders.Token])
        )
        {
            // An unknown organisation answers as a wrong secret does: the endpoint says nothing of who exists.
            return WebhookEndpoints.Refused(http);
        }

        return await WebhookEndpoints.AcceptAsync(http, signature: null, ingest, settings, org_id, cancellationToken);
    }

    private static async Task<IResult> ListLinks(BusRequests bus, string org_id, string task_id, CancellationToken cancellationToken)
    {
        var (answer, error) = await bus.AskAsync<TaskLinksQuery, TaskLinkList>(new(org_id, task_id), cancellationToken);
        return error ?? Results.Ok(answer);
    }

    private static async Task<IResult> AddLink(
        HttpContext http,
        BusRequests bus,
        IOrgAuditLog audit,
        TimeProvider time,
        string org_id,
        string task_id,
        TaskLinkRequest? body,
        CancellationToken cancellationToken
    )
    {
        if (body is null || (body.Url is null && (body.ProjectPath is null || body.GitlabIid is null || body.Kind is null)))
        {
            return ApiError.InvalidRequest("give url, or project_path, gitlab_iid and kind (issue or merge_request)");
        }

        if (body.Url is { Length: > 2_048 } || body.ProjectPath is { Length: > 1_024 })
        {
            return ApiError.InvalidRequest("url is at most 2048 characters and project_path at most 1024");
        }

        var request = new TaskLinkAddRequested
        {
            OrgId = org_id,
            TaskId = task_id,
            Url = body.Url,
            ProjectPath = body.ProjectPath,
            GitlabIid = body.GitlabIid,
            Kind = body.Kind,
        };
        var (link, error) = await bus.AskAsync<TaskLinkAddRequested, TaskLink>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        await RecordAsync(
            audit,
            http,
            org_id,
            "link.added",
            new
            {
                task_id,
                link_id = link!.LinkId,
                kind = link.Kind,
                project_path = link.ProjectPath,
                gitlab_iid = link.GitlabIid,
            },
            time,
            cancellationToken
        );
        return Results.Json(link, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RemoveLink(
        HttpContext http,
        BusRequests bus,
        IOrgAuditLog audit,
        TimeProvider time,
        string org_id,
        string task_id,
        string link_id,
        CancellationToken cancellationToken
    )
    {
        var (answer, error) = await bus.AskAsync<TaskLinkRemoveRequested, TaskLinkRemoved>(
            new(org_id, task_id, link_id),
            cancellationToken
        );
        if (error is not null)
        {
            return error;
        }

        if (!answer!.Removed)
        {
            return ApiError.NotFound($"task {task_id} has no link {link_id}");
        }

        await RecordAsync(audit, http, org_id, "link.removed", new { task_id, link_id }, time, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> Audit(IOrgAuditLog audit, string org_id, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > IOrgAuditLog.Kept)
        {
            return ApiError.InvalidRequest($"limit must be 1 to {IOrgAuditLog.Kept}");
        }

        return Results.Ok(new OrgAuditList(await audit.ListAsync(org_id, limit ?? 50, cancellationToken)));
    }

    private static Task RecordAsync(
        IOrgAuditLog audit,
        HttpContext http,
        string orgId,
        string action,
        object? details,
        TimeProvider time,
        CancellationToken cancellationToken
    ) =>
        audit.AppendAsync(
            orgId,
            new OrgAuditEvent(time.GetUtcNow(), Actor(http), action, details is null ? null : JsonSerializer.SerializeToElement(details)),
            cancellationToken
        );

    private static string Actor(HttpContext http) => http.User.FindFirst("sub")?.Value ?? "unknown";

    private static bool IsInstanceUrl(string raw, out Uri instance)
    {
        instance = null!;
        if (
            raw.Length > 2_048
            || !Uri.TryCreate(raw, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
        )
        {
            return false;
        }

        instance = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        return true;
    }

    private static readonly string[] RouteIds = ["org_id", "task_id", "link_id"];

    private static ValueTask<object?> ValidRouteIds(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var name in RouteIds)
        {
            if (context.HttpContext.GetRouteValue(name) is string id && InvalidId(id, name) is { } invalid)
            {
                return ValueTask.FromResult<object?>(invalid);
            }
        }

        return next(context);
    }

    private static IResult? InvalidId(string id, string name) =>
        OrgScope.IsValidId(id) ? null : ApiError.InvalidRequest($"{name} must be {OrgScope.IdRule}");

    internal static IResult NoIntegration(string orgId) => ApiError.NotFound($"organisation {orgId} has no GitLab configured");
}

public sealed record OrgIntegrationRequest(string? BaseUrl, string? Token, string? WebhookSecret);

public sealed record TaskLinkRequest(string? Url, string? ProjectPath, long? GitlabIid, string? Kind);

/// <summary>An organisation's GitLab as answered: never its token nor its secret, only whether they are set.</summary>
public sealed record OrgIntegrationView(
    string OrgId,
    string BaseUrl,
    bool TokenConfigured,
    bool WebhookSecretConfigured,
    DateTimeOffset UpdatedAt,
    string UpdatedBy
)
{
    public static OrgIntegrationView Of(OrgIntegration integration) =>
        new(integration.OrgId, integration.BaseUrl.ToString(), true, true, integration.UpdatedAt, integration.UpdatedBy);
}

public sealed record OrgAuditList(IReadOnlyList<OrgAuditEvent> Events);
