using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace GitLabBus.Gateway.Observability;

/// <summary>
/// <c>/openapi/v1.json</c> (generated from the endpoints, with the bearer scheme on every protected one)
/// and the interactive page at <c>/docs</c>.
/// </summary>
public static class ApiDocs
{
    private const string BearerScheme = "bearer";

    public static IServiceCollection AddGatewayApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(
                (document, _, _) =>
                {
                    document.Info.Title = "GitLabBus gateway";
                    document.Info.Description =
                        "Ingress of GitLabBus: GitLab webhooks, the delivery log, operation progress, health and metrics. "
                        + "Webhooks authenticate with X-Gitlab-Token; the other protected endpoints take "
                        + "Authorization: Bearer <JWT> (HS256, LOCAL_JWT_SECRET, roles claim).";
                    ApiDocumentDetails.DescribeDocument(document);
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "HS256 JWT signed with LOCAL_JWT_SECRET; claims sub, oid, roles, exp.",
                    };
                    return Task.CompletedTask;
                }
            );
            options.AddOperationTransformer(
                (operation, context, _) =>
                {
                    ApiDocumentDetails.DescribeOperation(operation, context);
                    if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                    {
                        operation.Security ??= [];
                        operation.Security.Add(
                            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }
                        );
                    }

                    return Task.CompletedTask;
                }
            );
        });

    public static IEndpointRouteBuilder MapGatewayApiDocs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        // The page is served from this process and calls nothing else: no AI agent, no MCP, no code-generation or deploy
        // buttons that send the API description to a third party, no fonts or telemetry from a CDN.
        endpoints.MapScalarApiReference(
            "/docs",
            options =>
                options
                    .WithTitle("GitLabBus gateway API")
                    .DisableAgent()
                    .DisableMcp()
                    .DisableTelemetry()
                    .HideClientButton()
                    .DisableDefaultFonts()
        );
        return endpoints;
    }
}
