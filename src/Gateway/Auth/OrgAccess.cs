using System.Security.Claims;
using GitLabBus.Gateway.Errors;
using Microsoft.AspNetCore.Authorization;

namespace GitLabBus.Gateway.Auth;

/// <summary>
/// Per-organisation access (CONTRACT 9): a path naming an <c>{org_id}</c> is open to admins and to tokens whose <c>orgs</c>
/// claim (an array of organisation ids) holds it; to anyone else it is a 403 whatever the roles.
/// </summary>
public static class OrgAccess
{
    public const string OrgsClaim = "orgs";
    public const string RouteValue = "org_id";

    public static bool Allows(ClaimsPrincipal user, string orgId) =>
        user.IsInRole(Roles.Admin) || user.FindAll(OrgsClaim).Any(claim => claim.Value == orgId);

    public static AuthorizationPolicyBuilder RequireOrgAccess(this AuthorizationPolicyBuilder policy) =>
        policy.AddRequirements(new Requirement());

    public sealed class Requirement : IAuthorizationRequirement;

    public sealed class Handler : AuthorizationHandler<Requirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            var org = (context.Resource as HttpContext)?.GetRouteValue(RouteValue) as string;
            if (org is null || Allows(context.User, org))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, $"this account has no access to organisation {ApiError.Cut(org)}"));
            }

            return Task.CompletedTask;
        }
    }
}
