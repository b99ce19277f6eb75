using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Errors;
using GitLabBus.Runtime.Credentials;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// Work for an organisation at its own GitLab: the backlog and pipelines API again under <c>/api/orgs/{org_id}</c>
/// (<c>/api/orgs/acme/gitlab/projects/1/backlog</c>), with the same roles, where every call runs at the organisation's GitLab
/// with its token (<see cref="CallerCredential.OrgId"/>) and what is kept of the work is kept within the organisation
/// (<see cref="OrgScope"/>). Open to admins and to tokens whose <c>orgs</c> claim names it, as every organisation path is.
/// </summary>
public static class OrganisationWork
{
    /// <summary>What an organisation's paths start with (without the leading slash, as the API document's paths are).</summary>
    public const string Prefix = "api/orgs/{org_id}";

    public static IEndpointRouteBuilder MapForOrganisations(this IEndpointRouteBuilder endpoints, Action<IEndpointRouteBuilder> map)
    {
        map(endpoints.MapGroup($"/{Prefix}").AddEndpointFilter(ForAnOrganisationWithGitLab));
        return endpoints;
    }

    /// <summary>
    /// The organisation's id is valid and it has a GitLab; a caller's own GitLab token is refused rather than ignored (the work
    /// would not run as the caller thinks).
    /// </summary>
    private static async ValueTask<object?> ForAnOrganisationWithGitLab(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var http = context.HttpContext;
        var org = (string)http.GetRouteValue(OrgAccess.RouteValue)!;
        if (!OrgScope.IsValidId(org))
        {
            return ApiError.InvalidRequest($"org_id must be {OrgScope.IdRule}");
        }

        if (http.Request.Headers.ContainsKey(CallerCredential.Header))
        {
            return ApiError.InvalidRequest(
                $"work for an organisation runs at its GitLab with its own token: send no {CallerCredential.Header} header here"
            );
        }

        var integrations = http.RequestServices.GetRequiredService<IOrgIntegrationStore>();
        return await integrations.GetAsync(org, http.RequestAborted) is null
            ? OrganisationEndpoints.NoIntegration(org)
            : await next(context);
    }
}
