using System.Globalization;
using System.Security.Claims;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace GitLabBus.Gateway.Auth;

/// <summary>
/// Per-project permissions. A token that says <c>project_access: granted</c> (every login of a user who is not an admin)
/// may work only on the projects in its <c>projects</c> claim: a path naming another <c>{project_id}</c> is a 403 whatever
/// its roles. Admins, and tokens without the claim (the token command's, hand-signed ones), may work on every project. On an
/// organisation's paths the organisation decides (<see cref="OrgAccess"/>): the claim names projects of the served GitLab,
/// not of the organisation's.
/// </summary>
public static class ProjectAccess
{
    public const string ScopeClaim = "project_access";
    public const string Granted = "granted";
    public const string ProjectsClaim = "projects";
    public const string RouteValue = "project_id";

    /// <summary>The projects the caller may work on, or null for every project.</summary>
    public static IReadOnlySet<long>? Of(ClaimsPrincipal user)
    {
        if (user.IsInRole(Roles.Admin) || !user.HasClaim(ScopeClaim, Granted))
        {
            return null;
        }

        return user.FindAll(ProjectsClaim)
            .Select(claim => long.TryParse(claim.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id > 0)
            .ToHashSet();
    }

    /// <summary>
    /// Whether the caller may see what belongs to a project (a delivery, an operation): every caller when it is not limited;
    /// a limited one only its projects', and nothing that names no project.
    /// </summary>
    public static Func<long?, bool> Sees(ClaimsPrincipal user) =>
        Of(user) is { } granted ? project => project is { } id && granted.Contains(id) : _ => true;

    /// <summary>
    /// As <see cref="Sees"/>, for what may belong to an organisation's GitLab: that is seen by the organisation's members (and
    /// admins) only, whatever their projects (which name projects of the served GitLab).
    /// </summary>
    public static Func<long?, string?, bool> SeesOwnedBy(ClaimsPrincipal user)
    {
        var sees = Sees(user);
        return (project, org) => org is null ? sees(project) : OrgAccess.Allows(user, org);
    }

    public static AuthorizationPolicyBuilder RequireProjectAccess(this AuthorizationPolicyBuilder policy) =>
        policy.AddRequirements(new Requirement());

    public sealed class Requirement : IAuthorizationRequirement;

    /// <summary>Checks the route's <c>{project_id}</c>, where the endpoint has one, against the caller's projects.</summary>
    public sealed class Handler : AuthorizationHandler<Requirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            var http = context.Resource as HttpContext;
            var project = http?.GetRouteValue(RouteValue) as string;
            if (project is null || http!.GetRouteValue(OrgAccess.RouteValue) is not null || Of(context.User) is not { } granted)
            {
                context.Succeed(requirement);
            }
            else if (long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && granted.Contains(id))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, $"this account has no access to project {ApiError.Cut(project)}"));
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A refusal for a project or an organisation says so in the contract's body; every other refusal goes the usual
    /// way.</summary>
    public sealed class Refusals : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public async Task HandleAsync(
            RequestDelegate next,
            HttpContext context,
            AuthorizationPolicy policy,
            PolicyAuthorizationResult authorizeResult
        )
        {
            if (
                authorizeResult.Forbidden
                && authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault(reason =>
                    reason.Handler is Handler or OrgAccess.Handler
                )
                    is { } project
            )
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(ApiError.Body(ErrorCodes.Forbidden, project.Message));
                return;
            }

            await _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
