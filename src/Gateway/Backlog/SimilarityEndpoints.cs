using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using Microsoft.AspNetCore.Mvc;

namespace GitLabBus.Gateway.Backlog;

/// <summary>
/// Work items similar to a text, from the project's cached title embeddings (<c>cache-embeddings</c> makes them): one text
/// (<c>backlog/similar</c>), or the titles a backlog generator is about to propose (<c>backlog/duplicates</c>). The consumers
/// embed the texts with the model that made the cache; a project without a cache of that model is a 409 saying what to run.
/// </summary>
public static class SimilarityEndpoints
{
    private const int MaxTextLength = 1_000;
    private const int MaxLimit = 100;
    private const int MaxItems = 100;

    /// <summary>GitLab's own limit of a description; the description is taken, not compared (the cache holds titles).</summary>
    private const int MaxDescriptionLength = 1_048_576;

    public static IEndpointRouteBuilder MapBacklogSimilarity(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/gitlab/projects").WithTags("backlog").RequireAuthorization(Roles.ReadPolicy);
        read.MapGet("/{project_id}/backlog/similar", SimilarAsync)
            .WithSummary("The project's epics and issues whose titles are most similar to a text, from the cached title embeddings")
            .Produces<SimilarList>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);
        read.MapPost("/{project_id}/backlog/duplicates", DuplicatesAsync)
            .WithSummary(
                "For each proposed item, the project's work items with a similar title (changes nothing: what a backlog generator asks "
                    + "before proposing)"
            )
            .Produces<DuplicatesList>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ErrorBody>(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> SimilarAsync(
        BusRequests consumers,
        CallerCredential caller,
        [AsParameters] SimilarFilter filter,
        CancellationToken cancellationToken
    )
    {
        var problem =
            ProblemOf(filter.ProjectId, filter.Limit, filter.MinScore)
            ?? (
                string.IsNullOrWhiteSpace(filter.Text) ? "text is required: the words to find similar work items for"
                : filter.Text.Length > MaxTextLength ? $"text must be at most {MaxTextLength} characters"
                : null
            );
        if (problem is not null)
        {
            return ApiError.InvalidRequest(problem);
        }

        var (answer, error) = await consumers.AskAsync<SimilarWorkItemsQuery, SimilarWorkItems>(
            Query(filter.ProjectId, [filter.Text!.Trim()], filter.Limit ?? 10, filter.MinScore ?? 0.5, caller),
            cancellationToken
        );
        return error ?? Results.Ok(new SimilarList(answer!.Matches[0], answer.Model));
    }

    private static async Task<IResult> DuplicatesAsync(
        BusRequests consumers,
        CallerCredential caller,
        [FromRoute(Name = "project_id")] string projectId,
        int? limit,
        [FromQuery(Name = "min_score")] double? minScore,
        DuplicatesRequest? body,
        CancellationToken cancellationToken
    )
    {
        var items = body?.Items;
        var problem =
            ProblemOf(projectId, limit, minScore)
            ?? (
                items is null or { Count: 0 } ? "send {\"items\": [{\"title\", \"description\"}, ...]} with at least one item"
                : items.Count > MaxItems ? $"items must be at most {MaxItems}"
                : items.Select((item, index) => ItemProblem(item, index)).FirstOrDefault(found => found is not null)
            );
        if (problem is not null)
        {
            return ApiError.InvalidRequest(problem);
        }

        var titles = items!.Select(item => item!.Title!.Trim()).ToList();
        var (answer, error) = await consumers.AskAsync<SimilarWorkItemsQuery, SimilarWorkItems>(
            Query(projectId, titles, limit ?? 3, minScore ?? 0.7, caller),
            cancellationToken
        );
        if (error is not null)
        {
            return error;
        }

        var candidates = titles.Select((title, index) => new DuplicateCandidates(title, answer!.Matches[index]));
        return Results.Ok(new DuplicatesList([.. candidates], answer!.Model));
    }

    private static SimilarWorkItemsQuery Query(
        string projectId,
        IReadOnlyList<string> texts,
        int limit,
        double minScore,
        CallerCredential caller
    ) =>
        new()
        {
            ProjectId = projectId,
            Texts = texts,
            Limit = limit,
            MinScore = minScore,
            CredentialRef = caller.Ref,
            OrgId = caller.OrgId,
        };

    private static string? ProblemOf(string projectId, int? limit, double? minScore) =>
        !ProjectNames.IsIdOrPath(projectId) ? "project_id must be a numeric id or a namespace/project path"
        : limit is < 1 or > MaxLimit ? $"limit must be 1 to {MaxLimit}"
        : minScore is { } score && (double.IsNaN(score) || score is < -1 or > 1) ? "min_score must be -1 to 1 (a cosine similarity)"
        : null;

    private static string? ItemProblem(DuplicateInput? item, int index) =>
        item?.Title is not { } title || string.IsNullOrWhiteSpace(title) ? $"items[{index}].title is required"
        : title.Length > 255 ? $"items[{index}].title must be at most 255 characters"
        : item.Description?.Length > MaxDescriptionLength ? $"items[{index}].description must be at most {MaxDescriptionLength} characters"
        : null;
}

/// <summary><c>backlog/similar</c>'s query string, with the project from the path.</summary>
public sealed record SimilarFilter(
    [FromRoute(Name = "project_id")] string ProjectId,
    string? Text,
    int? Limit,
    [FromQuery(Name = "min_score")] double? MinScore
);

/// <summary>The matches best first, and the model whose vectors were compared.</summary>
public sealed record SimilarList(IReadOnlyList<SimilarWorkItem> Items, string Model);

public sealed record DuplicatesRequest(IReadOnlyList<DuplicateInput?>? Items);

/// <summary>A proposed work item, as a backlog generator has it; its title is compared with the cached titles.</summary>
public sealed record DuplicateInput(string? Title, string? Description);

/// <summary>For each proposed item in order, its title and the work items that may already be it, best first.</summary>
public sealed record DuplicatesList(IReadOnlyList<DuplicateCandidates> Items, string Model);

public sealed record DuplicateCandidates(string Title, IReadOnlyList<SimilarWorkItem> Matches);
