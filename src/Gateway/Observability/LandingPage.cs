using System.Net;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Observability;

/// <summary>
/// <c>GET /</c>: a page for whoever opens the gateway in a browser: what it is, what runs in this process, and where to go
/// (the API page, the OpenAPI document, health, metrics, the docs). Nothing on it needs a token, so it names modes, never
/// hosts or secrets.
/// </summary>
public static class LandingPage
{
    public static IEndpointRouteBuilder MapLandingPage(
        this IEndpointRouteBuilder endpoints,
        RuntimeSettings runtime,
        bool allRoles,
        bool simulator
    )
    {
        var html = Render(runtime, allRoles, simulator);
        endpoints.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        return endpoints;
    }

    public static string Render(RuntimeSettings runtime, bool allRoles, bool simulator)
    {
        var facts = new[]
        {
            ("roles", allRoles ? "gateway, consumers and sagas in this process" : "gateway (consumers and sagas run as their own hosts)"),
            ("bus", runtime.Bus.InMemory ? "in-memory (embedded mode)" : "RabbitMQ"),
            ("state", runtime.Redis.InMemory ? "in process memory" : "Redis"),
            ("GitLab", simulator ? "the built-in simulator (demo/shop, project 1)" : "the GitLab this gateway is configured for"),
        };
        var rows = string.Concat(facts.Select(f => $"<tr><th>{f.Item1}</th><td>{WebUtility.HtmlEncode(f.Item2)}</td></tr>"));
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>GitLabBus gateway</title>
              <style>
                body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1f1f1f; }
                th { text-align: left; padding-right: 1.5rem; font-weight: 600; }
                code { background: #f2f2f2; padding: 0 .25rem; }
              </style>
            </head>
            <body>
              <h1>GitLabBus gateway</h1>
              <p>GitLab webhooks and REST calls become messages on the bus; consumers and sagas review merge requests, batch and
              merge them in a merge queue, follow pipelines and apply backlogs, all through GitLab's API.</p>
              <table>{{rows}}</table>
              <h2>Where to go</h2>
              <ul>
                <li><a href="/docs">API reference</a> — every endpoint, with examples
                  (<a href="/openapi/v1.json">OpenAPI document</a>)</li>
                <li><a href="/health">Health</a> (<a href="/health/live">live</a>, <a href="/health/ready">ready</a>) and
                  <a href="/metrics">metrics</a> (Prometheus)</li>
                <li><code>POST /webhooks/gitlab</code> — point a GitLab project hook here, with the webhook secret as its token</li>
                <li>Bearer tokens: <code>dotnet run --project src/Gateway -- token --role admin</code></li>
                <li>Guides: <code>docs/</code> in the repository — webhooks, merge queue, reviews, pipelines, backlog, operations</li>
              </ul>
            </body>
            </html>
            """;
    }
}
