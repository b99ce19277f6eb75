using System.Text.Json;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>GitLab's answers: bodies as it writes them, errors as <c>{"message": "404 Project Not Found"}</c> or <c>{"error":
/// "..."}</c>.</summary>
public static class SimResults
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    /// <summary>GitLab's <c>Content-Type</c>, to the byte: some clients compare it whole, and GitLab sends no charset.</summary>
    public const string JsonContentType = "application/json";

    public static IResult Ok(object body, int status = 200) => Results.Json(body, Json, JsonContentType, status);

    public static IResult Created(object body) => Ok(body, 201);

    /// <summary>GitLab's wording: <c>404 Project Not Found</c>, or <c>404 Not found</c> for pipelines, jobs and files.</summary>
    public static IResult NotFound(string what) => Ok(new { message = what.Length == 0 ? "404 Not found" : $"404 {what} Not Found" }, 404);

    /// <summary>Grape's 400 for required parameters left out: <c>{"error":"branch is missing, content is missing"}</c>.</summary>
    public static IResult Missing(params IEnumerable<string> parameters) =>
        Ok(new { error = string.Join(", ", parameters.Select(parameter => $"{parameter} is missing")) }, 400);

    public static IResult BadRequest(string message) => Ok(new { message = $"400 Bad request - {message}" }, 400);

    public static IResult Invalid(object fieldErrors) => Ok(new { message = fieldErrors }, 400);

    public static IResult Forbidden(string? reason = null) =>
        Ok(new { message = reason is null ? "403 Forbidden" : $"403 Forbidden - {reason}" }, 403);

    public static IResult Conflict(string message) => Ok(new { message }, 409);

    public static IResult NotAllowed(string message = "405 Method Not Allowed") => Ok(new { message }, 405);

    public static IResult NoContent() => Results.StatusCode(204);

    /// <summary>Offset pagination with GitLab's headers: x-page, x-per-page, x-next-page, x-prev-page, x-total, x-total-pages,
    /// Link.</summary>
    public static IResult Page<T>(HttpContext http, SimParams parameters, IReadOnlyList<T> items, Func<T, object> render)
    {
        var perPage = Math.Clamp(parameters.Int("per_page") ?? 20, 1, 100);
        var page = Math.Max(1, parameters.Int("page") ?? 1);
        var totalPages = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var headers = http.Response.Headers;
        headers["x-page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["x-per-page"] = perPage.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["x-next-page"] = page < totalPages ? (page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        headers["x-prev-page"] = page > 1 ? (page - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        if (items.Count <= 10_000)
        {
            headers["x-total"] = items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-total-pages"] = totalPages.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        headers["Link"] = string.Join(
            ", ",
            new[]
            {
                page < totalPages ? Link(http, page + 1, perPage, "next") : null,
                page > 1 ? Link(http, page - 1, perPage, "prev") : null,
                Link(http, 1, perPage, "first"),
                Link(http, totalPages, perPage, "last"),
            }.Where(link => link is not null)
        );
        return Ok(items.Skip((page - 1) * perPage).Take(perPage).Select(render).ToArray());
    }

    private static string Link(HttpContext http, int page, int perPage, string rel)
    {
        var query = http
            .Request.Query.Where(pair => pair.Key is not "page" and not "per_page" and not "private_token")
            .Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value.ToString())}")
            .Append($"page={page}")
            .Append($"per_page={perPage}");
        var store = http.RequestServices.GetRequiredService<SimStore>();
        var url = $"{store.Options.PublicUrl.TrimEnd('/')}{http.Request.PathBase}{http.Request.Path}?{string.Join('&', query)}";
        return $"<{url}>; rel=\"{rel}\"";
    }
}
