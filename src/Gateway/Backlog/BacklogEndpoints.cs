using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Identity;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Runtime.Operations;
using GitLabBus.Runtime.Settings;
using MassTransit;
using Microsoft.AspNetCore.Mvc;

namespace GitLabBus.Gateway.Backlog;

/// <summary>
/// The backlog API (the gitlab_client_service contract's paths and bodies): a project's backlog as
/// <c>ListResponse&lt;GitLabWorkItem&gt;</c>, title embeddings refreshed, a reviewed backlog applied
/// (<see cref="ApplyBacklogEndpoint"/>), work items similar to a text (<see cref="SimilarityEndpoints"/>), and project paths or
/// URLs resolved to ids. GitLab is read and written by the consumers.
/// </summary>
public static class BacklogEndpoints
{
    private static readonly string[] States = ["opened", "closed", "all"];

    public static IEndpointRouteBuilder MapBacklog(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/gitlab/projects").WithTags("backlog").RequireAuthorization(Roles.ReadPolicy);

        read.MapGet("/{project_id}/backlog", GetBacklog)
            .WithSummary(
                "The project's epics (from its nearest group with epics) then issues, filtered by GitLab, with cached title embeddings"
            )
            .Produces<BacklogList>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        endpoints
            .MapGroup("/gitlab/projects")
            .WithTags("backlog")
            .RequireAuthorization(Roles.WritePolicy)
            .MapPost("/{project_id}/cache-embeddings", CacheEmbeddings)
            .WithSummary(
                "Recompute the title embeddings of every epic and issue of the project; "
                    + "202 with the Redis channel and the operation reporting progress"
            )
            .Produces<CacheEmbeddingsAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapApplyBacklog();
        endpoints.MapBacklogSimilarity();

        read.MapPost("/resolve", Resolve)
            .WithSummary("The GitLab project a path (gitlab_path) or URL (gitlab_url) names")
            .Produces<ResolvedProject>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>Deeper pages than this are refused here: GitLab's offset pagination is slow and capped that far down (keyset
    /// pagination is the way there), and a page near 2^31 overflowed on the way.</summary>
    private const int MaxPage = 10_000;

    /// <summary>A filter by more labels than this cannot match anything useful, and its URL would pass GitLab's limit.</summary>
    private const int MaxLabels = 100;

    private static string[] LabelsOf(string? labels) =>
        labels?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static async Task<IResult> GetBacklog(
        HttpContext http,
        BusRequests gitlab,
        CallerCredential caller,
        GitLabSettings settings,
        [AsParameters] BacklogFilter filter,
        CancellationToken cancellationToken
    )
    {
        var (project_id, labels, state, search, page, per_page) = filter;
        var problem =
            !ProjectNames.IsIdOrPath(project_id) ? "project_id must be a numeric id or a namespace/project path"
            : state is not null && !States.Contains(state) ? "state must be opened, closed or all"
            : page is < 1 or > MaxPage ? $"page must be 1 to {MaxPage}"
            : per_page is < 1 or > 100 ? "per_page must be 1 to 100"
            : search?.Length > 255 ? "search must be at most 255 characters"
            : LabelsOf(labels) is { Length: > MaxLabels } ? $"labels must name at most {MaxLabels} labels"
            : LabelsOf(labels).Any(label => label.Length > 255) ? "a label is at most 255 characters"
            : null;
        if (problem is not null)
        {
            return ApiError.InvalidRequest(problem);
        }

        var query = new BacklogQuery
        {
            ProjectId = project_id,
            Labels = LabelsOf(labels),
            State = state ?? "opened",
            Search = string.IsNullOrWhiteSpace(search) ? null : search,
            Page = page ?? 1,
            PerPage = per_page ?? settings.DefaultPageSize,
            CredentialRef = caller.Ref,
            OrgId = caller.OrgId,
        };
        var (answer, error) = await gitlab.AskAsync<BacklogQuery, BacklogPage>(query, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (answer!.EpicsDisabled)
        {
            http.Response.Headers["X-GitLab-Epics-Disabled"] = "true";
        }

        return Results.Ok(
            new BacklogList(answer.Items, new Pagination(answer.Page, answer.PerPage, answer.NextPage, answer.PrevPage, answer.Total))
        );
    }

    private static async Task<IResult> CacheEmbeddings(
        HttpContext http,
        OperationStarter operations,
        EmbeddingChannel channel,
        CallerCredential caller,
        string project_id,
        CancellationToken cancellationToken
    )
    {
        if (!ProjectNames.IsIdOrPath(project_id))
        {
            return ApiError.InvalidRequest("project_id must be a numeric id or a namespace/project path");
        }

        var message = new CacheEmbeddingsRequested
        {
            OperationId = NewId.NextGuid().ToString(),
            ProjectId = project_id,
            CredentialRef = caller.Ref,
            OrgId = caller.OrgId,
        };
        if (
            await operations.StartAsync(
                message.OperationId,
                OperationKinds.CacheEmbeddings,
                message,
                new OperationOwner(ProjectNames.IdOf(message.ProjectId), caller.OrgId),
                cancellationToken
            ) is
            { } refused
        )
        {
            return refused;
        }

        http.Response.Headers.Location = $"/operations/{message.OperationId}";
        return Results.Json(
            new CacheEmbeddingsAccepted(
                "Embedding cache refresh started",
                project_id,
                channel.For(project_id, caller.OrgId),
                message.OperationId
            ),
            statusCode: StatusCodes.Status202Accepted
        );
    }

    private static async Task<IResult> Resolve(
        BusRequests gitlab,
        CallerCredential caller,
        GitLabSettings settings,
        IOrgIntegrationStore orgs,
        ResolveProjectRequest? body,
        CancellationToken cancellationToken
    )
    {
        // An organisation's projects are named by its GitLab's URLs.
        var served = caller.OrgId is { } org ? (await orgs.GetAsync(org, cancellationToken))?.BaseUrl : settings.ApiBaseUrl;
        if (served is null)
        {
            return OrganisationEndpoints.NoIntegration(caller.OrgId!);
        }

        if (body?.GitlabPath is not { Length: > 0 } && body?.GitlabUrl is { Length: > 0 } named && OtherHost(named, served) is { } other)
        {
            return ApiError.InvalidRequest(
                $"the URL names {other}; {(caller.OrgId is null ? "this gateway serves" : "the organisation's is")} "
                    + $"the GitLab at {served.Authority}"
            );
        }

        var path = body switch
        {
            { GitlabPath: { Length: > 0 } given } => ProjectNames.IsPath(given.Trim('/')) ? given.Trim('/') : null,
            { GitlabUrl: { Length: > 0 } url } => PathOfUrl(url, served),
            _ => null,
        };
        if (path is null)
        {
            return ApiError.InvalidRequest("give gitlab_path (namespace/project) or gitlab_url (https://host/namespace/project)");
        }

        var (answer, error) = await gitlab.AskAsync<ProjectResolveQuery, ResolvedProject>(
            new ProjectResolveQuery
            {
                Path = path,
                CredentialRef = caller.Ref,
                OrgId = caller.OrgId,
            },
            cancellationToken
        );
        return error ?? Results.Ok(answer);
    }

    /// <summary>The host and port of <paramref name="url"/> when they are not those of the GitLab this gateway serves (resolving
    /// another GitLab's path here would silently name a different project), else null.</summary>
    private static string? OtherHost(string url, Uri served) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed)
        && parsed.Scheme is "http" or "https"
        && !string.Equals(parsed.Authority, served.Authority, StringComparison.OrdinalIgnoreCase)
            ? ApiError.Cut(parsed.Authority)
            : null;

    /// <summary>The project path in a project's URL: <c>https://host/group/project</c>, with or without <c>.git</c> or a <c>/-/...</c>
    /// page, below the served GitLab's own path when it has one (<c>https://host/gitlab/group/project</c>).</summary>
    private static string? PathOfUrl(string url, Uri served)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            return null;
        }

        var path = Uri.UnescapeDataString(parsed.AbsolutePath).Trim('/');
        var root = served.AbsolutePath.Trim('/');
        if (root.Length > 0 && path.StartsWith(root + "/", StringComparison.Ordinal))
        {
            path = path[(root.Length + 1)..];
        }

        var page = path.IndexOf("/-/", StringComparison.Ordinal);
        path = page >= 0 ? path[..page] : path;
        path = path.EndsWith(".git", StringComparison.Ordinal) ? path[..^4] : path;
        return ProjectNames.IsPath(path) ? path : null;
    }
}

/// <summary>The backlog's query string (the gitlab_client_service contract's names), with the project from the path.</summary>
public sealed record BacklogFilter(
    [FromRoute(Name = "project_id")] string ProjectId,
    string? Labels,
    string? State,
    string? Search,
    int? Page,
    [FromQuery(Name = "per_page")] int? PerPage
);

/// <summary>The gitlab_client_service contract's <c>ListResponse&lt;GitLabWorkItem&gt;</c>.</summary>
public sealed record BacklogList(IReadOnlyList<BacklogWorkItem> Items, Pagination Pagination);

public sealed record Pagination(int Page, int PerPage, int? NextPage, int? PrevPage, int? Total);

/// <summary>The gitlab_client_service contract's answer to <c>cache-embeddings</c>, plus the operation that reports the run.</summary>
public sealed record CacheEmbeddingsAccepted(string Message, string ProjectId, string Channel, string OperationId);

/// <summary>The gitlab_client_service contract's <c>ResolveProjectRequest</c>, with a project URL accepted too.</summary>
public sealed record ResolveProjectRequest(string? GitlabPath, string? GitlabUrl);
