using System.Text;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Startup;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace GitLabBus.Gateway.Auth;

/// <summary>
/// Bearer JWTs signed HS256 with <c>LOCAL_JWT_SECRET</c>: <c>exp</c> required and enforced, <c>iss</c>/<c>aud</c>
/// checked only when configured, roles from the <c>roles</c> array claim. 401 and 403 carry the contract's body.
/// </summary>
public static class JwtAuthentication
{
    public static IServiceCollection AddGatewayAuth(this IServiceCollection services, GatewaySettings settings)
    {
        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = ValidationParameters(settings);
                options.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        var message = context.AuthenticateFailure is null
                            ? "a bearer token is required (Authorization: Bearer <JWT>)"
                            : "the bearer token is invalid or expired";
                        await context.Response.WriteAsJsonAsync(ApiError.Body(ErrorCodes.Unauthorized, message));
                    },
                    OnForbidden = async context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        await context.Response.WriteAsJsonAsync(
                            ApiError.Body(ErrorCodes.Forbidden, "the token's roles do not allow this operation")
                        );
                    },
                };
            });

        // Every policy also checks the project and the organisation a path names against the caller's.
        services
            .AddAuthorizationBuilder()
            .AddPolicy(Roles.ReadPolicy, policy => policy.RequireRole(Roles.Readers).RequireProjectAccess().RequireOrgAccess())
            .AddPolicy(Roles.WritePolicy, policy => policy.RequireRole(Roles.Writers).RequireProjectAccess().RequireOrgAccess())
            .AddPolicy(Roles.AdminPolicy, policy => policy.RequireRole(Roles.Admin).RequireProjectAccess().RequireOrgAccess())
            .AddPolicy(Roles.ConfigurePolicy, policy => policy.RequireRole(Roles.Configurers).RequireProjectAccess().RequireOrgAccess())
            .AddPolicy(Roles.PrioritisePolicy, policy => policy.RequireRole(Roles.Prioritisers).RequireProjectAccess().RequireOrgAccess());
        services.AddSingleton<IAuthorizationHandler, ProjectAccess.Handler>();
        services.AddSingleton<IAuthorizationHandler, OrgAccess.Handler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProjectAccess.Refusals>();
        return services;
    }

    public static SymmetricSecurityKey SigningKey(GatewaySettings settings) => new(Encoding.UTF8.GetBytes(settings.JwtSecret));

    private static TokenValidationParameters ValidationParameters(GatewaySettings settings) =>
        new()
        {
            IssuerSigningKey = SigningKey(settings),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            ValidateIssuer = settings.JwtIssuer is not null,
            ValidIssuer = settings.JwtIssuer,
            ValidateAudience = settings.JwtAudience is not null,
            ValidAudience = settings.JwtAudience,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };
}
