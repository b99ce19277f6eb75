using Scalar.AspNetCore;

namespace GitLabBus.Gateway.Observability;

/// <summary><c>/openapi/v1.json</c> (generated from the endpoints) and the interactive page at <c>/docs</c>.</summary>
public static class ApiDocs
{
    public static IServiceCollection AddGatewayApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "GitLabBus gateway";
            document.Info.Description = "Ingress of GitLabBus: GitLab webhooks, the delivery log, health and metrics. " +
                                        "Protected endpoints take Authorization: Bearer <JWT> (HS256, LOCAL_JWT_SECRET).";
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapGatewayApiDocs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        endpoints.MapScalarApiReference("/docs", options => options.WithTitle("GitLabBus gateway API"));
        return endpoints;
    }
}
